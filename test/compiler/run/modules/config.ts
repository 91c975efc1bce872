// Constants, enums, structs and mutable state that other modules import.

export const PAGE_SHIFT: u32 = 12;
export const PAGE_SIZE: u64 = 1 << 12;
export const PAGE_MASK: u64 = ~0xfff;
export const KERNEL_BASE: Virt = virt(0xffff_8000_0000_0000);
export const NAME: str = "nova";
export const VERBOSE: bool = true;
export const LIMIT: i32 = -5;

export enum Level {
  LOW = 1,
  MID,
  HIGH = 10,
}

export let bootCount: u32 = 0;
export let stage: str = "early";
export let base: Phys = phys(0x10_0000);
export let booted: bool = false;
export let lastLevel: u32 = Level.LOW;
export const history = array<u32, 4>();

export class Page {
  frame: Phys;
  order: u8;
  next: Page | null;

  static at(frame: u64): Page {
    const p = new Page();
    p.frame = phys(frame << 12);
    return p;
  }

  bytes(): u64 {
    return PAGE_SIZE << this.order;
  }
}

export function boot(level: u32): u32 {
  history[bootCount] = level;
  bootCount++;
  lastLevel = level;
  stage = "running";
  base += PAGE_SIZE;
  booted = true;
  return bootCount;
}
