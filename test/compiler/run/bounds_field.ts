// The bounds check of an Arr field, written through a method (a store).
// expect-out: stored 4
// expect-out: PANIC: array index out of range at test/compiler/run/bounds_field.ts:11
// expect-exit: 1

class Buf {
  data: Arr<u8, 4>;
  used: usize;

  push(v: u8): void {
    this.data[this.used] = v;
    this.used++;
  }
}

export function main(): void {
  const b = new Buf();
  for (let i: u8 = 0; i < 4; i++) b.push(i);
  log(`stored ${b.used}`);
  b.push(9);
  log(`not reached`);
}
