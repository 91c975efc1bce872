// expect: KTS1203 5:10
// 2^64 at u64, one above its range, read exactly (not as a double).

export function f(): u64 {
  return 0x1_0000_0000_0000_0000;
}
