// expect: KTS1302 5:3
// `try`/`catch`.

export function f(): void {
  try {
    log("x");
  } catch (e) {
    log("y");
  }
}
