// expect: KTS1106 4:1
// A namespace.

export namespace Ports {
  export const COM1: u16 = 0x3f8;
}
