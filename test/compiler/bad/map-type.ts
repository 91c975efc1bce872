// expect: KTS1312 4:12
// `Map` as a type.

let table: Map<u32, u32>;

export function f(): void {}
