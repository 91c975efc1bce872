// expect: KTS1307 5:15
// A bigint literal.

export function f(): void {
  const big = 10n;
}
