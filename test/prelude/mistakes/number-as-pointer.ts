// A number used as a pointer: stock tsc must reject it.
function first(p: Ptr<u32>): u32 {
  return p.load();
}
export function oops(addr: u64): u32 {
  return first(addr);
}
