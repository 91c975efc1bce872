// expect: KTS1307 10:10
// An object literal.

export class Point {
  x: u32;
  y: u32;
}

export function f(): Point {
  return { x: 1, y: 2 };
}
