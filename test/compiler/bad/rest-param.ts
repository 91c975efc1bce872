// expect: KTS1309 5:19
// expect: KTS1103 5:26
// A rest parameter (its array type is not part of the dialect either).

export function f(...xs: u32[]): void {}
