// expect: KTS1106 4:1
// An ambient `declare` outside the prelude.

declare function external(x: u32): void;

export function f(): void {
  external(1);
}
