export function twice(x: u32): u32 {
  return x << 1;
}

/** A symbol assembly defines: `extern char boot_stack_top[];` in the C. */
export function stackTop(): Virt {
  return linkerSymbol("boot_stack_top");
}
