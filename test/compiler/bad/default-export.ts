// expect: KTS1106 4:1
// A default export.

export default function f(): void {}
