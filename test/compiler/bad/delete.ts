// expect: KTS1307 10:3
// expect: KTS1002 10:10
// `delete` (tsc also rejects deleting a required field).

export class Node {
  value: u32;
}

export function f(n: Node): void {
  delete n.value;
}
