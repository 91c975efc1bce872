// expect: KTS1313 6:3
// A constructor.

export class Counter {
  value: u32;
  constructor(v: u32) {
    this.value = v;
  }
}
