// expect: KTS1320 5:18
// An Order used as a value, not as an atomic operation's argument.

export function f(): u32 {
  const o: u32 = Order.ACQUIRE;
  return o;
}
