// expect: KTS1101 5:10
// `number` has no width.

export function f(): void {
  let n: number = 1;
  n = 2;
}
