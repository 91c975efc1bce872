// expect: KTS1314 12:5
// Assigning an embedded (Inline) struct field as a whole.

export class Inner {
  x: u32;
}

export class Outer {
  inner: Inline<Inner>;

  reset(other: Inner): void {
    this.inner = other;
  }
}
