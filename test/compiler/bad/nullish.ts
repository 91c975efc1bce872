// expect: KTS1307 9:12
// `??`.

export class Node {
  next: Node | null;
}

export function f(a: Node | null, b: Node): Node {
  return a ?? b;
}
