// Physical memory at boot (kernel-ts/memory.ts): the reserved ranges, the
// free memory the buddy allocator holds (below and above 4 GiB), a module
// kept out of it, and the slab allocator taking over `new`.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";

const { elf } = await buildKernel({ progress: false });
const MIB = 1024 * 1024;

function freeLine(console: string): { free: number; above: number } {
  const m = /^MEM: free (\d+) MiB in buddy \((\d+) MiB above 4 GiB\)$/m.exec(console);
  return { free: Number(m?.[1]), above: Number(m?.[2]) };
}

/** MiB of the reserved range named `what` (the first one). */
function reservedMiB(console: string, what: string): number {
  const m = new RegExp(`^MEM: reserved 0x([0-9a-f]+)-0x([0-9a-f]+) ${what}$`, "m").exec(console);
  return m ? (parseInt(m[2], 16) - parseInt(m[1], 16)) / MIB : NaN;
}

function usable(console: string): number {
  return Number(/^Memory: (\d+) MiB usable/m.exec(console)?.[1]);
}

for (const [memory, mib, above] of [
  ["128M", 128, 0],
  ["6G", 6144, 4096],
] as const) {
  t.test(`-m ${memory} kmem=all: free memory in the buddy allocator`, async (t) => {
    const b = await boot(elf, ["-m", memory, "-append", "kmem=all"]);
    t.match(b.console, /^MEM: reserved 0x0-0x100000 low memory/m, "first MiB reserved");
    t.match(b.console, /^MEM: reserved 0x400000-0x[0-9a-f]+000 kernel image$/m, "image reserved");
    t.match(b.console, /^MEM: reserved 0x[0-9a-f]+000-0x[0-9a-f]+000 multiboot information$/m);
    t.match(b.console, /^MEM: reserved 0x[0-9a-f]+000-0x[0-9a-f]+000 frame tables$/m);
    const f = freeLine(b.console);
    // Usable RAM less the first MiB, the image and the frame tables (12 bytes a page).
    const tables = reservedMiB(b.console, "frame tables");
    t.ok(tables <= (mib * 12) / 4096 + 1, `${tables} MiB of frame tables for ${mib} MiB`);
    const low = usable(b.console) - 1 - reservedMiB(b.console, "kernel image") - tables - 1;
    t.ok(f.free >= low && f.free < usable(b.console), `${f.free} MiB free (usable ${mib})`);
    t.equal(f.above, above, `${f.above} MiB above 4 GiB`);
    t.match(b.console, /^MEM: new uses the slab allocator/m, "slab serves new");
    if (above)
      t.match(b.console, /^MEM: page 0x[0-9a-f]+ above 4 GiB written and read back/m, "high page");
    expectBootOk(t, b);
  });
}

// The kernel's pool (memory.ts splitPool): by default a quarter of RAM, at least 64 MiB, from
// the lowest free memory; the rest is reserved as user memory (the NOVA host space's to
// delegate). kmem=<MiB> sets the pool.
for (const [memory, append, pool] of [
  ["128M", "", 64],
  ["1G", "", 255],
  ["1G", "kmem=100", 100],
] as const) {
  t.test(
    `-m ${memory} ${append || "(default)"}: a ${pool} MiB kernel pool, the rest user memory`,
    async (t) => {
      const b = await boot(elf, ["-m", memory, ...(append ? ["-append", append] : [])]);
      const m = /^MEM: kernel pool (\d+) MiB, user memory (\d+) MiB/m.exec(b.console);
      t.ok(m, "the pool line");
      const kernel = Number(m?.[1]);
      const user = Number(m?.[2]);
      t.ok(Math.abs(kernel - pool) <= 1, `${kernel} MiB kernel pool`);
      t.ok(
        kernel + user <= usable(b.console) && kernel + user >= usable(b.console) - 12,
        "pool + user = free RAM",
      );
      t.match(b.console, /^MEM: reserved 0x[0-9a-f]+000-0x[0-9a-f]+000 user memory$/m);
      t.ok(freeLine(b.console).free <= kernel, "the buddy holds the pool only");
      expectBootOk(t, b);
    },
  );
}

t.test("modules stay out of the allocator", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-mod-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const mod = path.join(dir, "module.bin");
  fs.writeFileSync(mod, Buffer.alloc(3 * MIB + 123, 0x5a));
  const b = await boot(elf, ["-m", "256M", "-initrd", `${mod} first,${mod} second`]);
  const mods = [...b.console.matchAll(/^MOD: \d+ 0x([0-9a-f]+)-0x([0-9a-f]+) /gm)];
  t.equal(mods.length, 2, "two modules");
  for (const [, start, end] of mods) {
    const s = BigInt(`0x${start}`) & ~0xfffn;
    const e = (BigInt(`0x${end}`) + 0xfffn) & ~0xfffn;
    t.match(
      b.console,
      new RegExp(`^MEM: reserved 0x${s.toString(16)}-0x${e.toString(16)} module$`, "m"),
      `module at 0x${start} reserved, page-aligned`,
    );
  }
  const f = freeLine(b.console);
  t.ok(f.free <= usable(b.console) - 7, `${f.free} MiB free: the 6 MiB of modules are not`);
  expectBootOk(t, b);
});
