// expect-out: add 6, sub 95, compare true
// expect-out: compound 105, address 0x1064
// expect-out: arguments 1 and 5, method on the old node 4
// expect-out: assignment to the old node: old 5, new 0
// expect-out: element 1: 9, element 2: 0
// expect-out: inline element 1: 5, element 2: 0
// Left-to-right evaluation: an operand read before a later call changes it
// keeps the value it had when it was read, as in TypeScript (C alone leaves
// the order unspecified, and gcc and clang differ).

let g: u32 = 1;
let pa: Phys = phys(0x1000);
let index: usize = 1;

class Node {
  v: u32;
}

class Holder {
  node: Node;
}

const holder = new Holder();
const first = new Node();
const second = new Node();
const cells = array<u32, 4>();

class Record {
  v: u32;
  w: u64;
}
class Table {
  rows: Arr<Inline<Record>, 4>;
}
const table = new Table();

function bump(): u32 {
  g = 100;
  pa = phys(0x2000);
  index = 2;
  return 5;
}

function swap(): u32 {
  holder.node = second;
  return 5;
}

function pair(a: u32, b: u32): u32 {
  log(`arguments ${a} and ${b}, method on the old node ${holder.node.v + 7 - b}`);
  return a + b;
}

export function main(): void {
  const sum = g + bump();
  g = 105;
  const diff = g - bump() - 5;
  g = 1;
  const less = g < bump();
  log(`add ${sum}, sub ${diff}, compare ${less}`);
  g = 100;
  g += bump();
  const compound = g;
  pa = phys(0x1000);
  pa += u64(bump()) * 20;
  log(`compound ${compound}, address ${pa}`);
  g = 1;
  first.v = 2;
  holder.node = first;
  pair(g, bump());
  holder.node.v = swap();
  log(`assignment to the old node: old ${first.v}, new ${second.v}`);
  index = 1;
  cells[index] = bump() + 4;
  log(`element 1: ${cells[1]}, element 2: ${cells[2]}`);
  // A field of an inline array element: the element's address is pinned before the call
  // (the temporary is a pointer to the element).
  index = 1;
  table.rows[index].v = bump();
  log(`inline element 1: ${table.rows[1].v}, element 2: ${table.rows[2].v}`);
}
