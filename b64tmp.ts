import { boot } from "/work/main/test/lib/qemu.ts";
const elf = process.argv[2];
const n = process.argv[3] ?? "64";
const t0 = Date.now();
const r = await boot(elf, ["-smp", n, "-icount", "shift=0,align=off,sleep=off"], 900_000);
console.log("wall", Date.now() - t0, "timedOut", r.timedOut);
console.log(r.console.split("\n").filter((l) => /bring-up|CPUs online|did not/.test(l)).join("\n"));
