// expect: KTS1213 6:10
// expect: KTS1002 6:14
// hex() formats integers and addresses, not bools.

export function f(b: bool): void {
  log(`${hex(b)}`);
}
