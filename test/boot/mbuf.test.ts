// The memory-buffer console (nova-abi.md §9.9; kernel-ts/mbuf.ts, console.ts):
// every kernel log line also goes into the MBUF page. At the end of its boot
// the kernel logs the page's RdIdx, WrIdx, how much is unread and the FNV-1a
// hash of the unread characters; this test recomputes them from the serial
// console (every line before the MBUF line, without the UART's \r). One boot
// without a module (the log fits today), one with roottest-min (it writes
// nothing to the serial port itself) and timertest irqtest, whose log
// outgrows the ring (N = 4088): the kernel has advanced RdIdx and the ring
// holds the last 4087 characters.

import t, { type Test } from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { buildUser } from "../../build/user.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";

const N = 4088;
const kernel = await buildKernel({ progress: false });
const root = await buildUser("roottest-min", { progress: false });

function fnv1a(bytes: Buffer): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

// The first boot logs the least (no module), the second the most; each is checked by whether
// its log fit, and the second must overflow.
for (const [name, extra, overflows] of [
  ["no module", [] as string[], false],
  ["roottest-min, timertest irqtest", ["-initrd", root, "-append", "timertest irqtest"], true],
] as const) {
  t.test(`MBUF: ${name}`, async (t) => {
    const b = await boot(kernel.elf, [...extra], 60_000);
    const m = b.console.match(
      /^MBUF: at (0x[0-9a-f]+), RdIdx (\d+) WrIdx (\d+), (\d+) of 4088 unread, FNV-1a 0x([0-9a-f]+)$/m,
    );
    t.ok(m, "the MBUF line");
    if (m) checkRing(t, b.console, m, overflows);
    expectBootOk(t, b);
  });
}

/** The MBUF line `m` against the console before it: indices, unread count, hash. */
function checkRing(t: Test, console: string, m: RegExpMatchArray, overflows: boolean): void {
  const before = Buffer.from(console.slice(0, m.index), "latin1");
  const [rd, wr, unread] = [Number(m[2]), Number(m[3]), Number(m[4])];
  t.equal(wr, before.length % N, "WrIdx: every character logged, modulo N");
  if (overflows) t.ok(before.length >= N, `${before.length} characters: more than the ring holds`);
  if (before.length >= N) {
    t.equal(unread, N - 1, "full: N - 1 unread");
    t.equal(rd, (wr + 1) % N, "the kernel advanced RdIdx past the oldest characters");
  } else {
    t.equal(rd, 0, "RdIdx untouched");
    t.equal(unread, before.length, "everything unread");
  }
  const tail = before.subarray(before.length - unread);
  t.equal(BigInt(`0x${m[5]}`), fnv1a(tail), "the unread characters are the log's last ones");
}
