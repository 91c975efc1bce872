// expect: KTS1206 5:10
// Comparing two literals: no type to compare at.

export function f(): bool {
  return 1 < 2;
}
