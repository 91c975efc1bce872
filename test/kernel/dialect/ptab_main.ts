// Host test of kernel-ts/ptab.ts: page tables in a static, page-aligned pool
// (on the host, physical = virtual: kmem.toVirt() is the identity).

import * as ptab from "../../../kernel-ts/ptab.ts";
import * as random from "./random.ts";

const POOL_PAGES: usize = 1024;

class Pool {
  bytes: Arr<u8, 4194304>;
}
layout(Pool, { align: 4096 });

const pool = new Pool();
let used: usize = 0;
let checks: u32 = 0;

function allocate(): Phys {
  if (used === POOL_PAGES) return phys(0);
  const page = ptrToVirt(arrayPtr(pool.bytes)) + used * 4096;
  used++;
  return phys(u64(page));
}

function check(ok: bool, what: str): void {
  checks++;
  if (!ok) panic(what);
}

function sizes(root: Phys): void {
  const va4k = virt(0x0000_7000_1234_5000);
  const va2m = virt(0xffff_8000_4000_0000 + 0x20_0000);
  const va1g = virt(0xffff_8000_8000_0000);
  check(
    ptab.map(root, va4k, phys(0xabc_d000), ptab.ORDER_4K, ptab.WRITABLE | ptab.USER, allocate),
    "map 4K",
  );
  check(
    ptab.map(root, va2m, phys(0x4060_0000), ptab.ORDER_2M, ptab.NO_EXECUTE, allocate),
    "map 2M",
  );
  check(ptab.map(root, va1g, phys(0x1_4000_0000), ptab.ORDER_1G, ptab.GLOBAL, allocate), "map 1G");
  check(ptab.translate(root, va4k + 0x123) === 0xabc_d123, "translate 4K");
  check(ptab.translate(root, va2m + 0x1f_fff0) === 0x407f_fff0, "translate 2M");
  check(ptab.translate(root, va1g + 0x3fff_ffff) === 0x1_7fff_ffff, "translate 1G");
  check(ptab.translate(root, va4k + 0x1000) === ptab.NOT_MAPPED, "next 4K page unmapped");
  const leaf = ptab.leafEntry(root, va2m);
  check(
    (leaf & ptab.NO_EXECUTE) !== 0 && (leaf & ptab.LARGE) !== 0 && (leaf & ptab.WRITABLE) === 0,
    "2M attributes",
  );
  check((ptab.leafEntry(root, va4k) & ptab.USER) !== 0, "4K user bit");
  // Conflicts: a 4K page inside the 2M page, a 2M page over the 4K page's table.
  check(
    !ptab.map(root, va2m + 0x1000, phys(0x1000), ptab.ORDER_4K, 0, allocate),
    "4K inside 2M refused",
  );
  check(
    !ptab.map(root, virt(0x0000_7000_1220_0000), phys(0x20_0000), ptab.ORDER_2M, 0, allocate),
    "2M over a table refused",
  );
  check(ptab.translate(root, va4k) === 0xabc_d000, "refusals change nothing");
  check(ptab.unmap(root, va2m, ptab.ORDER_2M), "unmap 2M");
  check(!ptab.unmap(root, va2m, ptab.ORDER_2M), "unmap twice");
  check(!ptab.unmap(root, va1g, ptab.ORDER_2M), "unmap with the wrong size");
  check(ptab.translate(root, va2m) === ptab.NOT_MAPPED, "2M gone");
  check(ptab.translate(root, va1g) === 0x1_4000_0000, "1G still there");
}

/** Random 4K mappings in a 4 GiB window: each one translates, and only it. */
function randomPages(root: Phys): void {
  const count: usize = 300;
  const pages = array<u64, 300>();
  const base: u64 = 0x0000_4000_0000_0000;
  for (let i: usize = 0; i < count; i++) {
    let page: u64 = 0;
    let fresh = false;
    while (!fresh) {
      page = random.next() & 0xf_ffff;
      fresh = true;
      for (let j: usize = 0; j < i; j++) if (pages[j] === page) fresh = false;
    }
    pages[i] = page;
    check(
      ptab.map(
        root,
        virt(base + page * 4096),
        phys(page * 4096 + 0x1_0000_0000),
        ptab.ORDER_4K,
        ptab.WRITABLE,
        allocate,
      ),
      "random map",
    );
  }
  for (let i: usize = 0; i < count; i++) {
    const va = virt(base + pages[i] * 4096 + (random.next() & 0xfff));
    check(
      ptab.translate(root, va) === pages[i] * 4096 + 0x1_0000_0000 + (u64(va) & 0xfff),
      "random translate",
    );
  }
  for (let i: usize = 0; i < count; i += 2)
    check(ptab.unmap(root, virt(base + pages[i] * 4096), ptab.ORDER_4K), "random unmap");
  for (let i: usize = 0; i < count; i++) {
    const mapped = ptab.translate(root, virt(base + pages[i] * 4096)) !== ptab.NOT_MAPPED;
    check(mapped === (i % 2 === 1), "only the odd pages remain");
  }
}

function exhaustion(): void {
  // With the pool almost used up, a mapping that needs new tables fails cleanly.
  const saved = used;
  used = POOL_PAGES - 1;
  const root = allocate();
  check(
    !ptab.map(root, virt(0x1000), phys(0x1000), ptab.ORDER_4K, 0, allocate),
    "no memory for tables",
  );
  used = saved;
}

export function main(_mode: u32): void {
  const root = allocate();
  sizes(root);
  randomPages(root);
  exhaustion();
  log(`ptab: ${checks} checks passed, ${used} table pages`);
}
