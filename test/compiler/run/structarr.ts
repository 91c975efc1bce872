// Arrays of structs stored in place: Arr<Inline<S>, N> as a field, a global
// and a local; element fields, methods on elements, and elements passed as
// struct pointers.
// expect-out: global slots 1 2 3 total 6
// expect-out: field entries 10/1 20/2 30/3
// expect-out: local 7 14
// expect-out: size of Table 48
// expect-out: passed as Arr<Inline<Slot>, number>: max key 30 at 2, bumped 4
// expect-out: element address arithmetic 8 apart, fixed-length param sum 15

class Slot {
  key: u32;
  value: u32;

  bump(): void {
    this.value++;
  }
}

class Table {
  entries: Arr<Inline<Slot>, 6>;
}

const slots = array<Inline<Slot>, 3>();

function total(a: Slot, b: Slot, c: Slot): u32 {
  return a.value + b.value + c.value;
}

function maxKey(a: Arr<Inline<Slot>, number>, n: usize): usize {
  let best: usize = 0;
  for (let i: usize = 1; i < n; i++) if (a[i].key > a[best].key) best = i;
  a[best].bump();
  return best;
}

function sumFixed(a: Arr<Inline<Slot>, 3>): u32 {
  let s: u32 = 0;
  for (let i: usize = 0; i < a.length; i++) s += a[i].value;
  return s;
}

export function main(): void {
  for (let i: usize = 0; i < slots.length; i++) {
    slots[i].key = u32(i);
    slots[i].bump();
    slots[i].value += u32(i);
  }
  log(
    `global slots ${slots[0].value} ${slots[1].value} ${slots[2].value} total ${total(slots[0], slots[1], slots[2])}`,
  );

  const t = new Table();
  for (let i: usize = 0; i < 3; i++) {
    t.entries[i].key = 10 * u32(i + 1);
    t.entries[i].value = u32(i + 1);
  }
  log(
    `field entries ${t.entries[0].key}/${t.entries[0].value} ${t.entries[1].key}/${t.entries[1].value} ${t.entries[2].key}/${t.entries[2].value}`,
  );

  const local = array<Inline<Slot>, 2>();
  local[1].value = 7;
  local[0].value = local[1].value * 2;
  log(`local ${local[1].value} ${local[0].value}`);
  log(`size of Table ${sizeof<Table>()}`);
  const best = maxKey(t.entries, 3);
  log(
    `passed as Arr<Inline<Slot>, number>: max key ${t.entries[best].key} at ${best}, bumped ${t.entries[best].value}`,
  );
  const gap = structAddress(t.entries[1]) - structAddress(t.entries[0]);
  log(`element address arithmetic ${gap} apart, fixed-length param sum ${sumFixed(slots) + 9}`);
}
