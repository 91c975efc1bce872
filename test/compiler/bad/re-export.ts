// expect: KTS1106 6:1
// A re-export.

function f(): void {}

export { f as g };
