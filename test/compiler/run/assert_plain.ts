// assert() without a message prints the condition's text.
// expect-out: checking
// expect-out: PANIC: assertion failed: count < LIMIT at test/compiler/run/assert_plain.ts:12
// expect-exit: 1

const LIMIT: u32 = 3;

export function main(): void {
  let count: u32 = 0;
  log("checking");
  for (let i: u32 = 0; i < 5; i++) count++;
  assert(count < LIMIT);
  log("not reached");
}
