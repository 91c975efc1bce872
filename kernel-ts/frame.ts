// The register frame every way into the kernel from ring 3 or an interrupt
// leaves: arch/x86_64/entry.S builds it for exceptions and interrupts,
// syscall.S for hypercalls (the same layout, vector 256), and an EC keeps its
// user registers in one (ec.ts regs). A file of its own because the entry
// code, the exception and event handlers, every hypercall handler and the EC
// read it, and none of them should import another's file for the layout.
// arch/x86_64/frame.h holds the same order for the assembly; the offsets
// below assert it.

/** What entry.S leaves on the stack; offsets as its header comment draws them. */
export class ExceptionFrame {
  cr2: u64;
  r15: u64;
  r14: u64;
  r13: u64;
  r12: u64;
  r11: u64;
  r10: u64;
  r9: u64;
  r8: u64;
  rbp: u64;
  rdi: u64;
  rsi: u64;
  rdx: u64;
  rcx: u64;
  rbx: u64;
  rax: u64;
  vector: u64;
  /** The CPU's error code, or 0 for vectors without one. */
  error: u64;
  // From here on the CPU's interrupt frame.
  rip: u64;
  cs: u64;
  rflags: u64;
  rsp: u64;
  ss: u64;
}
layout(ExceptionFrame, {
  size: 0xb8,
  offsets: {
    cr2: 0x00,
    r15: 0x08,
    r8: 0x40,
    rbp: 0x48,
    rdi: 0x50,
    rax: 0x78,
    vector: 0x80,
    error: 0x88,
    rip: 0x90,
    cs: 0x98,
    rflags: 0xa0,
    rsp: 0xa8,
    ss: 0xb0,
  },
});
