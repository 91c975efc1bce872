// expect: KTS1106 5:3
// A #private field has no C spelling.

export class C {
  #x: u32;
  get(): u32 {
    return this.#x;
  }
}
