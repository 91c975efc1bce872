// expect: KTS1310 8:20
// A module-level variable initialised by a call.

function start(): u32 {
  return 1;
}

let counter: u32 = start();

export function f(): u32 {
  return counter;
}
