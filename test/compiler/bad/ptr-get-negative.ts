// expect: KTS1203 5:16
// A negative literal pointer index.

export function f(p: Ptr<u8>): u8 {
  return p.get(-1);
}
