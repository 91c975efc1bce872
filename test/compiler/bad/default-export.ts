// expect: KTS1106 3:1
// A default export.
export default function f(): void {}
