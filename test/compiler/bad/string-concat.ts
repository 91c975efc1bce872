// expect: KTS1304 5:7
// String concatenation.

export function f(name: str): void {
  log("hello " + name);
}
