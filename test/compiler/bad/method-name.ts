// expect: KTS1106 7:3
// A method named by a string: it is `<Class>_<method>` in C, which a string (here with a
// space) cannot spell.

export class Port {
  base: u16;
  "read byte"(): u16 {
    return this.base;
  }
}
