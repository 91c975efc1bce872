// expect: KTS1105 4:13
// A generic type alias.

export type Pair<T> = Arr<T, 2>;

export function f(): void {}
