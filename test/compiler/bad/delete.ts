// expect: KTS1307 9:3
// expect: KTS1002 9:10
// `delete` (tsc also rejects deleting a required field).
export class Node {
  value: u32;
}

export function f(n: Node): void {
  delete n.value;
}
