// expect: KTS1310 7:21
// A module-level variable initialised by a call.

function k(): u32 {
  return 1;
}
export let g: u32 = k();
