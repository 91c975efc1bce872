// Phys and Virt arithmetic: + - & | with unsigned integers, difference of two
// addresses, comparisons, compound assignment, alignment helpers, and
// conversions between addresses and integers.
// expect-out: align up 0x1234 -> 0x2000, down 0x1fff
// expect-out: page of 0xffff800000123456 is 0xffff800000123000 offset 0x456
// expect-out: size 0x2000 pages 2, n + addr 0x3010
// expect-out: compares true true false
// expect-out: walk 0x100000 0x101000 0x102000 end 0x103000
// expect-out: compound 0x5000 -> 0x5fff -> 0x5000 -> 0x5080 -> 0x5040
// expect-out: to integer 20480 mixed into u64 20481
// expect-out: index into table 3

const PAGE: u64 = 0x1000;
const MASK: u64 = ~0xfff;
const DIRECT: Virt = virt(0xffff_8000_0000_0000);

function alignUp(pa: Phys): Phys {
  return (pa + PAGE - 1) & MASK;
}

function alignDown(pa: Phys): Phys {
  return pa & MASK;
}

function toVirt(pa: Phys): Virt {
  return DIRECT + u64(pa);
}

export function main(): void {
  const pa = phys(0x1234);
  log(`align up ${pa} -> ${alignUp(pa)}, down ${alignDown(phys(0x1fff)) | 0xfff}`);
  const va = toVirt(phys(0x123456));
  log(`page of ${va} is ${va & MASK} offset ${hex(va - (va & MASK))}`);
  const start = phys(0x1000);
  const end = phys(0x3000);
  const size = end - start;
  const n: u32 = 0x10;
  log(`size ${hex(size)} pages ${size / PAGE}, n + addr ${n + end}`);
  log(`compares ${start < end} ${end >= end} ${start === end}`);

  const seen = array<u64, 3>();
  let k: usize = 0;
  let at = phys(0x10_0000);
  for (; at < phys(0x10_3000); at += PAGE) {
    seen[k] = u64(at);
    k++;
  }
  log(`walk ${hex(seen[0])} ${hex(seen[1])} ${hex(seen[2])} end ${at}`);

  let v = virt(0x5000);
  const s0 = v;
  v |= 0xfff;
  const s1 = v;
  v &= MASK;
  const s2 = v;
  v += u8(0x80);
  const s3 = v;
  v -= 0x40;
  log(`compound ${s0} -> ${s1} -> ${s2} -> ${s3} -> ${v}`);
  const raw = u64(s2);
  log(`to integer ${raw} mixed into u64 ${raw + 1}`);

  const table = array<u32, 8>();
  table[usize((v - s2) / 0x10) - 1] = 3;
  log(`index into table ${table[3]}`);
}
