// expect: KTS1106 6:3
// A getter.

export class Counter {
  raw: u32;
  get value(): u32 {
    return this.raw;
  }
}
