// A module that uses another through a named import and keeps private state.

import { Page, PAGE_SHIFT, PAGE_SIZE } from "./config.ts";

let free: Page | null = null;
let total: u32 = 0;

export function give(frame: u64, order: u8): void {
  const p = new Page();
  p.frame = phys(frame << PAGE_SHIFT);
  p.order = order;
  p.next = free;
  free = p;
  total++;
}

export function take(): Page | null {
  const p = free;
  if (p !== null) {
    free = p.next;
    total--;
  }
  return p;
}

export function count(): u32 {
  return total;
}

export function bytesFree(): u64 {
  let sum: u64 = 0;
  for (let p = free; p !== null; p = p.next) sum += p.bytes();
  return sum / PAGE_SIZE;
}
