// expect: KTS1102 4:22
// `any` parameter.

export function f(x: any): void {
  log("called");
}
