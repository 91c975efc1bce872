// expect: KTS1307 8:18
// `this` in a static method.

export class Counter {
  value: u32;

  static make(): void {
    const self = this;
  }
}
