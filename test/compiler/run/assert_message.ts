// assert() with a string message; passing asserts print nothing.
// expect-out: ok so far
// expect-out: PANIC: assertion failed: p !== null: list must not be empty at test/compiler/run/assert_message.ts:16
// expect-exit: 1

class Node {
  next: Node | null;
}

export function main(): void {
  const n = new Node();
  assert(n.next === null, "fresh nodes are unlinked");
  assert(true);
  log("ok so far");
  const p = n.next;
  assert(p !== null, "list must not be empty");
  log("not reached");
}
