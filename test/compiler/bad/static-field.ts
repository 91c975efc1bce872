// expect: KTS1106 5:3
// A static field.

export class Counter {
  static total: u32;
  value: u32;
}
