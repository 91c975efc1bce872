// expect: KTS1102 3:22
// `any` parameter.
export function f(x: any): void {
  log("called");
}
