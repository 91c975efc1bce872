// expect: KTS1102 4:12
// `unknown` global.

let state: unknown = null;

export function f(): void {}
