// panic() with a string literal; a function returning `never`.
// expect-out: PANIC: unreachable: no device at test/compiler/run/panic_plain.ts:6
// expect-exit: 1

function die(): never {
  panic("unreachable: no device");
}

function find(n: u32): u32 {
  if (n > 0) return n;
  die();
}

export function main(): void {
  find(0);
}
