// expect: KTS1307 5:14
// A regular expression literal.

export function f(): bool {
  const re = /ab+c/;
  return true;
}
