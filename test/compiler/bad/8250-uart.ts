// expect: KTS1109 1:1
// A module whose C name, `8250_uart`, begins with a digit: no C name can begin with it.

export function ready(): bool {
  return true;
}
