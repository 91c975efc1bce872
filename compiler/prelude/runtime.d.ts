// Diagnostics, logging and hardware intrinsics. Each intrinsic is one
// instruction behind a `static inline` C function in runtime-c/kts.h.

/** Stops the kernel with the TypeScript file and line when `cond` is false. */
declare function assert(cond: bool, msg?: str): void;
/** Stops the kernel with the TypeScript file and line. */
declare function panic(msg: str): never;

/**
 * Prints one console line. The argument is a string literal or a template
 * literal; each `${value}` is formatted from its type: unsigned and signed
 * integers in decimal, addresses and pointers in hex, bool as true/false,
 * `str` as text. `hex(v)` forces hexadecimal.
 */
declare function log(line: str): void;
declare const fmtTag: unique symbol;
interface Fmt {
  readonly [fmtTag]: true;
}
/** Formats an integer in hex with a 0x prefix, inside a `log` template. */
declare function hex(v: number): Fmt;

// Port I/O
declare function inb(port: u16): u8;
declare function inw(port: u16): u16;
declare function inl(port: u16): u32;
declare function outb(port: u16, v: u8): void;
declare function outw(port: u16, v: u16): void;
declare function outl(port: u16, v: u32): void;

// Model-specific registers, control registers, CPUID, TSC
declare function rdmsr(msr: u32): u64;
declare function wrmsr(msr: u32, v: u64): void;
declare function readCr0(): u64;
declare function writeCr0(v: u64): void;
declare function readCr2(): u64;
declare function readCr3(): u64;
declare function writeCr3(v: u64): void;
declare function readCr4(): u64;
declare function writeCr4(v: u64): void;
/** CPUID leaf/subleaf into out[0..3] = EAX, EBX, ECX, EDX. */
declare function cpuid(leaf: u32, subleaf: u32, out: Arr<u32, 4>): void;
declare function rdtsc(): u64;

/** Continues on the stack whose top is `top` by calling `continuation`, which never returns. */
declare function switchStack(top: Virt, continuation: () => never): never;

// Processor control
declare function hlt(): void;
declare function pause(): void;
/** NOP: one instruction that does nothing (e.g. the one an STI's interrupt shadow covers). */
declare function nop(): void;
declare function cli(): void;
declare function sti(): void;
declare function invlpg(va: Virt): void;
/** Writes back and invalidates every cache (for devices that do not snoop, such as some IOMMUs). */
declare function wbinvd(): void;
/** `xchg %bx, %bx`: a no-op on hardware and QEMU; Bochs' magic breakpoint (its debugger stops there). */
declare function magicBreakpoint(): void;

// Memory
/** Copies `n` quads from `from` to `to` (REP MOVSQ; the areas must not overlap). */
declare function copyQuads(to: Virt, from: Virt, n: usize): void;
/** Zeroes `n` quads at `to` (REP STOSQ). */
declare function zeroQuads(to: Virt, n: usize): void;

// Ordering
/** Compiler barrier: no memory access moves across it. */
declare function barrier(): void;
declare function mfence(): void;
declare function lfence(): void;
declare function sfence(): void;

// CPU setup and fault reports
/** LGDT: the GDT at `base`, `limit` = its size in bytes minus 1. */
declare function lgdt(base: Virt, limit: u16): void;
/** LIDT: the IDT at `base`, `limit` = its size in bytes minus 1. */
declare function lidt(base: Virt, limit: u16): void;
/** LTR: the task register from a TSS descriptor's selector (marks the descriptor busy). */
declare function ltr(selector: u16): void;
/** Reloads CS (far return) and SS, DS, ES, FS, GS from the current GDT. */
declare function loadSegments(code: u16, data: u16): void;
/** XGETBV: extended control register `xcr` (0 = XCR0, the enabled XSAVE state components). */
declare function xgetbv(xcr: u32): u64;
/** XSETBV: needs CR4.OSXSAVE; a value the CPU does not support raises #GP. */
declare function xsetbv(xcr: u32, v: u64): void;
declare function readRflags(): u64;
declare function readRsp(): Virt;
/**
 * Where a stack walk of the calling function starts: out[0] an instruction address in it,
 * out[1] and out[2] RSP and RBP at that instruction (kernel-ts/unwind.ts).
 */
declare function currentFrame(out: Arr<u64, 3>): void;
/**
 * Enters ring 3 by IRETQ with every register from the ExceptionFrame at `frame`
 * (arch/x86_64/syscall.S `user_enter`). Kernel only.
 */
declare function enterUser(frame: Virt): never;
/**
 * Returns to ring 3 by SYSRETQ with the registers of the ExceptionFrame at `frame` (RIP from its
 * RIP, RFLAGS from its RFLAGS; a non-canonical RIP takes IRETQ). Kernel only.
 */
declare function returnBySysret(frame: Virt): never;
/**
 * Runs an AMD SVM guest until its next #VMEXIT (arch/x86_64/svm.S `svm_vmrun`): the general
 * registers from and back into the ExceptionFrame at `frame` (RAX and RSP are the VMCB's),
 * the VMCB at physical `vmcb`, this CPU's host save area (VMSAVE format) at physical `host`.
 * Returns with interrupts off and GIF set. Kernel only.
 */
declare function svmRun(frame: Virt, vmcb: Phys, host: Phys): void;
/** VMSAVE: FS, GS, TR, LDTR, KERNEL_GS_BASE and the SYSCALL/SYSENTER MSRs into the VMCB-format area at physical `area`. */
declare function vmsave(area: Phys): void;
/**
 * Runs an Intel VMX guest until its next VM exit (arch/x86_64/vmx.S `vmx_vmenter`) on the current
 * VMCS: the general registers but RSP from and back into the ExceptionFrame at `frame` (RSP,
 * RIP and RFLAGS are the VMCS's), VMLAUNCH unless `launched`, else VMRESUME. Returns 0 after a
 * VM exit, 1 when the instruction failed without a current VMCS (VMfailInvalid), 2 when it
 * failed with an error number in the VMCS (VMfailValid). Interrupts must be off. Kernel only.
 */
declare function vmxRun(frame: Virt, launched: bool): u32;
/** VMXON with the region at physical `region`: false when the CPU refuses it. */
declare function vmxon(region: Phys): bool;
/** VMCLEAR / VMPTRLD of the VMCS at physical `vmcs`: false when the CPU refuses it. */
declare function vmclear(vmcs: Phys): bool;
declare function vmptrld(vmcs: Phys): bool;
/** VMREAD / VMWRITE of field encoding `field` of the current VMCS (no error is reported). */
declare function vmread(field: u32): u64;
declare function vmwrite(field: u32, value: u64): void;
/** INVEPT of `type` (1 single-context for `eptp`, 2 all-context). */
declare function invept(type: u64, eptp: u64): void;
/** INVVPID of `type` (1 single-context for `vpid`, 2 all-context; `address` for type 0). */
declare function invvpid(type: u64, vpid: u64, address: u64): void;
/** The base addresses of the GDT and IDT this CPU has loaded (SGDT, SIDT). */
declare function readGdtrBase(): Virt;
declare function readIdtrBase(): Virt;
/** CR2: a VMX guest's, which VM entries and exits leave alone. */
declare function writeCr2(v: u64): void;
/** INT 2: runs the NMI handler (a VMX guest's run ended by a host NMI, which VM exit consumed). */
declare function softNmi(): void;
/** CLTS: clears CR0.TS (FPU instructions no longer raise #NM). */
declare function clts(): void;
/** FXSAVE / FXRSTOR of the 512-byte legacy area at `area` (16-byte aligned). */
declare function fxsave(area: Virt): void;
declare function fxrstor(area: Virt): void;
/** XSAVE / XRSTOR (standard format) and XSAVES / XRSTORS (compacted) of the components in `mask`; `area` 64-byte aligned. */
declare function xsave(area: Virt, mask: u64): void;
declare function xrstor(area: Virt, mask: u64): void;
declare function xsaves(area: Virt, mask: u64): void;
declare function xrstors(area: Virt, mask: u64): void;
/**
 * User mode: SYSCALL with RDI = r[0], RSI = r[1], RDX = r[2], RAX = r[3], R8 = r[4]; afterwards
 * r[0..4] hold those registers again and r[5] = RCX, r[6] = R11 (nova-abi.md §3), r[7] = the
 * address right after the SYSCALL instruction (what RCX must be). user/nova/hypercall.ts wraps it.
 */
declare function syscall(r: Arr<u64, 8>): void;
/** UD2: raises #UD (deliberate faults). */
declare function ud2(): void;
/**
 * Ends a console line that another log() left unfinished (a fault inside log) and frees the
 * console lock, so a fault report can print.
 */
declare function logTakeOver(): void;
