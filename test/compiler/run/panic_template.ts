// panic() with a template message, from inside a nested call; output before
// the panic is kept, nothing after it runs.
// expect-out: step 1
// expect-out: step 2
// expect-out: PANIC: bad state 3 (0x3) in "worker": expected -1, flag true at test/compiler/run/panic_template.ts:15
// expect-exit: 1

const WHO: str = "worker";

function check(state: u32, expected: i32): void {
  if (state === 1 || state === 2) {
    log(`step ${state}`);
    return;
  }
  panic(`bad state ${state} (${hex(state)}) in "${WHO}": expected ${expected}, flag ${state > 2}`);
}

export function main(): void {
  for (let s: u32 = 1; s < 10; s++) check(s, -1);
  log("not reached");
}
