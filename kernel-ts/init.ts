// The first code in the dialect: called by arch/x86_64/start.S in 64-bit
// mode on the boot stack, with the boot loader's magic and info pointer.

import * as console from "./console.ts";
import * as cpu from "./cpu.ts";
import * as multiboot from "./multiboot.ts";
import * as power from "./power.ts";

const COM1: u16 = 0x3f8;
const MIB: u64 = 1024 * 1024;

export function main(magic: u32, info: Phys): void {
  console.init(COM1);
  if (magic !== multiboot.MB1_MAGIC && magic !== multiboot.MB2_MAGIC) {
    log(`NOVA: unknown boot loader magic ${hex(magic)}, halting`);
    power.halt();
  }
  cpu.identify();
  const memory = multiboot.usableMemory(magic, info);
  log(`NOVA microhypervisor (TypeScript dialect build)`);
  log(`CPU: ${cpu.vendor()} ${cpu.brand()}`);
  log(
    `Memory: ${memory / MIB} MiB usable (multiboot v${magic === multiboot.MB2_MAGIC ? u32(2) : u32(1)})`,
  );
  log(`Boot complete`);
  power.exit(power.EXIT_SUCCESS);
}
