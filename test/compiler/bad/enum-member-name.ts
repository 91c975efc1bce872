// expect: KTS1108 6:3
// An enum member named by a string: it is `<Enum>_<member>` in C, which a string (here with a
// space) cannot spell.

export enum Mode {
  "long mode" = 1,
  Legacy,
}

export function legacy(): u32 {
  return Mode.Legacy;
}
