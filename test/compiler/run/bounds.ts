// A run-time index past the end stops with the file and line of the index.
// expect-out: before 3
// expect-out: PANIC: array index out of range at test/compiler/run/bounds.ts:17
// expect-exit: 1

const table = array<u32, 4>();

function fill(n: usize): void {
  for (let i: usize = 0; i < n; i++) table[i] = u32(i);
}

export function main(): void {
  fill(4);
  let i: usize = 3;
  log(`before ${table[i]}`);
  i++;
  const x = table[i];
  log(`not reached ${x}`);
}
