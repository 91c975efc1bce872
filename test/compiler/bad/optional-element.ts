// expect: KTS1307 5:10
// Optional element access, `a?.[0]`, is optional chaining like `a?.b`.

export function f(a: Arr<u8, 4>): u8 {
  return a?.[0];
}
