// assert() with a template message formats its values like log().
// expect-out: PANIC: assertion failed: v.length <= 4: vector 7 has 9 > 4 entries, ok false, at 0x1000 at test/compiler/run/assert_template.ts:16
// expect-exit: 1

class V {
  id: u32;
  length: u64;
}

export function main(): void {
  const v = new V();
  v.id = 7;
  v.length = 9;
  const at = phys(0x1000);
  const ok = v.length <= 4;
  assert(v.length <= 4, `vector ${v.id} has ${v.length} > ${u32(4)} entries, ok ${ok}, at ${at}`);
}
