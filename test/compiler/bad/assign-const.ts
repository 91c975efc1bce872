// expect: KTS1002 7:3
// expect: KTS1314 7:3
// Assigning a const (tsc rejects it too).

export function f(): u32 {
  const limit: u32 = 10;
  limit = 20;
  return limit;
}
