// expect: KTS1201 5:10
// A void function returning a value.

export function f(): void {
  return void 0;
}
