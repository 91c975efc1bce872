// expect: KTS1310 5:16
// A field initializer.

export class Counter {
  value: u32 = 5;
}
