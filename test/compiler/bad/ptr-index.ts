// expect: KTS1002 6:10
// expect: KTS1213 6:10
// Indexing a Ptr (tsc rejects it too).

export function f(p: Ptr<u8>): u8 {
  return p[0];
}
