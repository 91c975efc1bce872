// expect: KTS1108 6:11
// A negative enum member.

export enum Level {
  Low = 0,
  Below = -1,
}
