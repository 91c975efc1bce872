// expect: KTS1103 11:25
// expect: KTS1103 16:12
// `Inline<T>` is storage in a struct or an array, not the type of a value.

export class Point {
  x: u32;
}

const points = array<Inline<Point>, 4>();

export function getX(p: Inline<Point>): u32 {
  return p.x;
}

export function first(): u32 {
  const p: Inline<Point> = points[0];
  return getX(p);
}
