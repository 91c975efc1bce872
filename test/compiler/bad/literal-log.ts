// expect: KTS1206 5:14
// A literal-only expression in a log template has no type.

export function f(): void {
  log(`sum=${2 + 3}`);
}
