// expect: KTS1304 6:3
// `s += "y"` concatenates strings, as `s + "y"` does.

export function f(): void {
  let s: str = "x";
  s += "y";
  log(`${s}`);
}
