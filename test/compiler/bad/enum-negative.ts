// expect: KTS1108 5:7
// Enum members are u32 constants: -1 is none.

export enum E {
  A = -1,
}
