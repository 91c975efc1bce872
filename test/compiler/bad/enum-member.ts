// expect: KTS1108 5:11
// A negative enum member.
export enum Level {
  Low = 0,
  Below = -1,
}
