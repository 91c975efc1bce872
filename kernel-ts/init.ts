// The first code in the dialect: called by arch/x86_64/start.S in 64-bit
// mode on the boot stack, with the boot loader's magic and info pointer.
// Each line it logs is one fact, in the format of docs/boot-log.md.

import * as boot from "./boot.ts";
import * as cmdline from "./cmdline.ts";
import * as console from "./console.ts";
import * as cpu from "./cpu.ts";
import * as multiboot from "./multiboot.ts";
import * as power from "./power.ts";

const COM1: u16 = 0x3f8;
const MIB: u64 = 1024 * 1024;

function logMemoryMap(): void {
  for (let i: usize = 0; i < boot.info.rangeCount; i++) {
    const r = boot.info.ranges[i];
    log(`MEM: range ${hex(r.base)}-${hex(r.base + r.length)} type ${r.type}`);
  }
  if (boot.info.rangesDropped !== 0)
    log(`MEM: ${boot.info.rangesDropped} more ranges ignored (table full)`);
  log(`Memory: ${boot.usableBytes() / MIB} MiB usable (multiboot v${boot.info.loader})`);
}

function logModules(): void {
  for (let i: usize = 0; i < boot.info.moduleCount; i++) {
    const m = boot.info.modules[i];
    log(`MOD: ${i} ${m.start}-${m.end} "${m.cmdline}"`);
  }
  if (boot.info.modulesDropped !== 0) log(`MOD: ${boot.info.modulesDropped} more modules ignored`);
}

export function main(magic: u32, info: Phys): void {
  // COM1 first, so that even a bad command line can be reported.
  console.init(COM1);
  if (!multiboot.parse(magic, info)) {
    log(`NOVA: unknown boot loader magic ${hex(magic)}, halting`);
    power.halt();
  }
  cmdline.init(boot.info.cmdline);
  const port = cmdline.number("serial", u64(COM1));
  if (port !== u64(COM1) && port <= u64(u16.MAX)) console.init(u16(port));
  log(`NOVA microhypervisor (TypeScript dialect build)`);
  log(`BOOT: multiboot${boot.info.loader === 2 ? "2" : ""} cmdline "${boot.info.cmdline}"`);
  cpu.identify();
  log(`CPU: ${cpu.vendor()} ${cpu.brand()}`);
  logMemoryMap();
  logModules();
  if (u64(boot.info.rsdp) !== 0) log(`ACPI: RSDP copy from the boot loader at ${boot.info.rsdp}`);
  log(`Boot complete`);
  power.exit(power.EXIT_SUCCESS);
}
