// A physical address where a virtual one is expected: stock tsc must reject it.
function map(va: Virt): void {
  invlpg(va);
}
export function oops(pa: Phys): void {
  map(pa);
}
