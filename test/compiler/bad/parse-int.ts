// expect: KTS1312 5:10
// `parseInt`.

export function f(): u32 {
  return parseInt("42");
}
