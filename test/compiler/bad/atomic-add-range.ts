// expect: KTS1203 6:16
// An atomic operand literal that does not fit the atomic's type.

export const a = atomic<u8>(0);
export function f(): u8 {
  return a.add(300);
}
