// expect: KTS1108 8:7
// An enum member initialised by a call.

function k(): u32 {
  return 1;
}
export enum E {
  A = k(),
}
