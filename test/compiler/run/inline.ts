// Inline<T> embedding: chains a.b.c, methods on embedded structs, embedded
// structs passed where a struct pointer is wanted, Arr fields inside them.
// expect-out: origin 0 0, corner 3 4
// expect-out: area 12, perimeter 14
// expect-out: moved corner 13 24
// expect-out: window.frame.inner.corner.x 13 via path 13
// expect-out: scaled 26 48 area 1248
// expect-out: tags 7 0 0 9 sum 16
// expect-out: embedded address is inside the parent: true
// expect-out: sizes: Point 8 Rect 16 Frame 24 Window 32

class Point {
  x: u32;
  y: u32;

  set(x: u32, y: u32): void {
    this.x = x;
    this.y = y;
  }

  moveBy(dx: u32, dy: u32): void {
    this.x += dx;
    this.y += dy;
  }
}

class Rect {
  origin: Inline<Point>;
  corner: Inline<Point>;

  width(): u32 {
    return this.corner.x - this.origin.x;
  }

  height(): u32 {
    return this.corner.y - this.origin.y;
  }

  area(): u32 {
    return this.width() * this.height();
  }
}

class Frame {
  inner: Inline<Rect>;
  tags: Arr<u16, 4>;
}

class Window {
  id: u64;
  frame: Inline<Frame>;
}

function perimeter(r: Rect): u32 {
  return 2 * (r.width() + r.height());
}

function scale(p: Point, k: u32): void {
  p.x *= k;
  p.y = p.y * k;
}

export function main(): void {
  const r = new Rect();
  r.corner.set(3, 4);
  log(`origin ${r.origin.x} ${r.origin.y}, corner ${r.corner.x} ${r.corner.y}`);
  log(`area ${r.area()}, perimeter ${perimeter(r)}`);
  r.corner.moveBy(10, 20);
  log(`moved corner ${r.corner.x} ${r.corner.y}`);

  const w = new Window();
  w.frame.inner.corner.set(13, 24);
  const c = w.frame.inner.corner;
  log(`window.frame.inner.corner.x ${w.frame.inner.corner.x} via path ${c.x}`);
  scale(w.frame.inner.corner, 2);
  log(`scaled ${c.x} ${c.y} area ${w.frame.inner.area()}`);

  w.frame.tags[0] = 7;
  w.frame.tags[3] = 9;
  let sum: u32 = 0;
  for (let i: usize = 0; i < w.frame.tags.length; i++) sum += w.frame.tags[i];
  log(
    `tags ${w.frame.tags[0]} ${w.frame.tags[1]} ${w.frame.tags[2]} ${w.frame.tags[3]} sum ${sum}`,
  );

  const parent = structAddress(w);
  const inner = structAddress(w.frame.inner.corner);
  log(`embedded address is inside the parent: ${inner - parent === offsetof<Window>("frame") + 8}`);
  log(
    `sizes: Point ${sizeof<Point>()} Rect ${sizeof<Rect>()} Frame ${sizeof<Frame>()} Window ${sizeof<Window>()}`,
  );
}
