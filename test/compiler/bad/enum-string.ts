// expect: KTS1108 4:10
// A string enum member.
export enum Mode {
  Fast = "fast",
}
