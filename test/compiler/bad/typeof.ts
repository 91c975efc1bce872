// expect: KTS1307 5:10
// `typeof`.

export function f(x: u32): bool {
  return typeof x === "number";
}
