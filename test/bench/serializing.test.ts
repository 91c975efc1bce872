// scripts/serializing.ts on instructions as gdb's x/i prints them: what the
// `<bench>_serializing` counts of `npm run bench` include and what they leave
// out (docs/testing.md).

import t from "tap";
import { classify } from "../../scripts/serializing.ts";

const counted: [string, number, string, string][] = [
  [
    "lock xadd %esi,0x4250c(%rip)        # 0xffffffff8044f440 <klock_k_obj>",
    0,
    "locked",
    "lock xadd",
  ],
  ["lock addq $0x1,0x8(%rdi)", 0, "locked", "lock addq"],
  ["lock cmpxchg %rdx,(%rdi)", 0, "locked", "lock cmpxchg"],
  ["xchg   %al,0x424da(%rip)        # 0xffffffff8044f448 <klock_k_obj+8>", 0, "locked", "xchg"],
  ["xchg   %rax,0x8(%rdi)", 0, "locked", "xchg"],
  ["iretq", 0, "serializing", "iretq"],
  ["cpuid", 0, "serializing", "cpuid"],
  ["wrmsr", 0xc0000100, "serializing", "wrmsr"],
  ["mov    %rax,%cr3", 0, "serializing", "mov %cr3"],
  ["mov    %rdi,%cr4", 0, "serializing", "mov %cr4"],
  ["mov    %rax,%db7", 0, "serializing", "mov %db7"],
  ["lgdt   (%rdi)", 0, "serializing", "lgdt"],
  ["lidt   0x10(%rsp)", 0, "serializing", "lidt"],
  ["ltr    %ax", 0, "serializing", "ltr"],
  ["lldt   %ax", 0, "serializing", "lldt"],
  ["invlpg (%rdi)", 0, "serializing", "invlpg"],
  ["wbinvd", 0, "serializing", "wbinvd"],
  ["invd", 0, "serializing", "invd"],
];

const notCounted: [string, number][] = [
  ["swapgs", 0],
  ["sysretq", 0],
  ["syscall", 0],
  ["rdtsc", 0],
  ["rdtscp", 0],
  ["lfence", 0],
  ["mfence", 0],
  ["sfence", 0],
  ["pause", 0],
  ["xchg   %ax,%ax", 0],
  ["xchg   %rax,%rdx", 0],
  ["mov    %cr3,%rax", 0],
  ["mov    %rax,%cr8", 0],
  ["mov    %rax,0x8(%rdi,%rcx,1)", 0],
  ["wrmsr", 0x6e0],
  ["wrmsr", 0x80b],
  ["movl   $0xffffffff,0x4229a(%rip)        # 0xffffffff8044f44c <klock_k_obj+12>", 0],
];

t.test("serializing and locked instructions", async (t) => {
  for (const [asm, ecx, kind, name] of counted)
    t.same(classify(asm, ecx), { kind, name }, `${asm} (ECX ${ecx.toString(16)})`);
});

t.test("instructions that are neither", async (t) => {
  for (const [asm, ecx] of notCounted)
    t.equal(classify(asm, ecx), undefined, `${asm} (ECX ${ecx.toString(16)})`);
});
