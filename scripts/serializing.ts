// Which x86-64 instructions `npm run bench` counts as serializing or locked
// (its `<bench>_serializing` figures): the ones that stop a core's pipeline or
// hold a cache line exclusively, whatever else they do. The instruction is
// given as gdb disassembles it (AT&T syntax, `x/i`).
//
// Serializing, Intel SDM Vol. 3A §9.3 "Serializing Instructions" (§8.3 in
// older editions):
// - privileged: INVD, INVEPT, INVLPG, INVVPID, LGDT, LIDT, LLDT, LTR, MOV to
//   a control register except CR8, MOV to a debug register, WBINVD, WRMSR
//   except to IA32_TSC_DEADLINE (0x6e0) and the x2APIC MSRs (0x802–0x83f),
//   which the same section exempts;
// - non-privileged: CPUID, IRET (IRETQ), RSM, SERIALIZE.
// Locked, SDM Vol. 3A §9.1.2 "Bus Locking" (§8.1.2 in older editions): any
// instruction with a LOCK prefix, and XCHG with a memory operand, which
// §9.1.2.1 "Automatic Locking" locks without one.
//
// Not counted: SWAPGS, SYSCALL, SYSRET, RDTSC and RDTSCP, which are not
// serializing, and LFENCE, SFENCE and MFENCE, which §9.3 calls
// memory-ordering instructions, not serializing ones.

export interface Serializing {
  kind: "serializing" | "locked";
  /** The mnemonic with its LOCK prefix, or with the register MOV writes (`mov %cr3`). */
  name: string;
}

/** Prefixes gdb prints before the mnemonic. */
const PREFIXES = new Set([
  "lock",
  "rep",
  "repz",
  "repnz",
  "repe",
  "repne",
  "data16",
  "data32",
  "addr32",
  "notrack",
  "bnd",
  "cs",
  "ds",
  "es",
  "fs",
  "gs",
  "ss",
]);

const ALWAYS = new Set([
  "invd",
  "invept",
  "invlpg",
  "invvpid",
  "lgdt",
  "lidt",
  "lldt",
  "ltr",
  "wbinvd",
  "cpuid",
  "iret",
  "iretl",
  "iretq",
  "iretw",
  "rsm",
  "serialize",
]);

/** WRMSR numbers that the SDM exempts from serializing. */
function wrmsrExempt(msr: number): boolean {
  return msr === 0x6e0 || (msr >= 0x802 && msr <= 0x83f);
}

/**
 * `asm` is one instruction as gdb prints it (`lock xadd %esi,(%rdi)`, comments after `#`
 * allowed), `ecx` the value of ECX when it executed (WRMSR's MSR number); undefined when the
 * instruction is neither serializing nor locked.
 */
export function classify(asm: string, ecx: number): Serializing | undefined {
  const words = asm.replace(/#.*/, "").trim().split(/\s+/);
  let i = 0;
  let locked = false;
  for (; i < words.length && (PREFIXES.has(words[i]) || /^rex(\.\w+)?$/.test(words[i])); i++)
    if (words[i] === "lock") locked = true;
  const mnemonic = words[i] ?? "";
  const operands = words.slice(i + 1).join("");
  // The destination is the last operand in AT&T syntax.
  const destination = operands.split(",").at(-1) ?? "";
  if (locked) return { kind: "locked", name: `lock ${mnemonic}` };
  if (/^xchg[bwlq]?$/.test(mnemonic) && operands.includes("("))
    return { kind: "locked", name: mnemonic };
  if (ALWAYS.has(mnemonic.replace(/^(lgdt|lidt)[lq]$/, "$1")))
    return { kind: "serializing", name: mnemonic };
  if (mnemonic === "wrmsr" && !wrmsrExempt(ecx)) return { kind: "serializing", name: mnemonic };
  if (/^mov[lq]?$/.test(mnemonic) && /^%(cr(?!8$)\d+|db\d+)$/.test(destination))
    return { kind: "serializing", name: `mov ${destination}` };
  return undefined;
}
