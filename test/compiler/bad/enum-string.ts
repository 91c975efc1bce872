// expect: KTS1108 5:10
// A string enum member.

export enum Mode {
  Fast = "fast",
}
