// expect: KTS1311 4:1
// A statement at module level.

log("booting");

export function f(): void {}
