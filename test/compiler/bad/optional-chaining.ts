// expect: KTS1307 10:13
// Optional chaining.

export class Node {
  next: Node | null;
  value: u32;
}

export function f(n: Node): u32 {
  const m = n.next?.value;
  return 0;
}
