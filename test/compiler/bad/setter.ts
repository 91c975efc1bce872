// expect: KTS1106 6:3
// A setter is a function behind an assignment: not part of the dialect.

export class C {
  v: u32;
  set x(n: u32) {
    this.v = n;
  }
}
