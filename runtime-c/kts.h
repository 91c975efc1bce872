/*
 * The C side of the dialect: the types every generated module uses, the
 * checked integer operations of docs/dialect.md, logging and panic entry
 * points, and one `static inline` function per hardware intrinsic.
 *
 * Freestanding C11 plus GCC/Clang builtins; no libc. Compiled both into the
 * kernel and, with KTS_HOST defined, into host test programs.
 */
#ifndef KTS_H
#define KTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Valid dialect code with a defined meaning that these warnings would turn
 * into errors under -Werror, in the generated modules that include this:
 * - a comparison whose result the type already fixes: an unsigned `x >= 0`,
 *   `x <= u8.MAX`, a u8 against u32.MAX (GCC's -Wtype-limits, in -Wextra);
 * - a comparison with a fixed result such as `x === x` or `(x & 4) === 5`
 *   (-Wtautological-compare, in -Wall);
 * - a switch case that falls through to the next, as JavaScript and C allow
 *   (GCC's -Wimplicit-fallthrough, in -Wextra).
 */
#pragma GCC diagnostic ignored "-Wtype-limits"
#pragma GCC diagnostic ignored "-Wtautological-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"

typedef uint64_t phys_t;
typedef uint64_t virt_t;

/*
 * Where per-CPU variables live. In the kernel each CPU's GS base is (its own
 * copy of .percpu − the section's start: kernel-ts/percpu.ts), so `v` is
 * `%gs:&v`: the lvalue is `v`'s address in GCC's and clang's GS address
 * space (`__seg_gs`, clang's address_space(256)). Host tests have one CPU
 * and no GS set up: there the variable is used directly.
 */
#define KTS_PERCPU_SECTION __attribute__((section(".percpu")))
#ifdef KTS_HOST
#define KTS_PERCPU(v) (v)
#else
#define KTS_PERCPU(v) (*(__typeof__(v) __seg_gs *)(uintptr_t)&(v))
#endif

/*
 * `@inline` functions (docs/dialect.md): inlined into every direct call. gcc wants the
 * `inline` keyword beside always_inline (else -Wattributes). clang inlines without it, and
 * with it warns (-Wstatic-in-inline) when an exported one uses a static: C11 6.7.4p3 limits
 * only inline definitions, and these are external ones (their header prototype is plain).
 * The debug build (-Og, build/config.ts) defines KTS_NO_FORCED_INLINE: there gcc does not
 * inline a call it sees only after inlining its caller (a function pointer argument become
 * constant) and stops on always_inline, and gdb is better off with every frame anyway.
 */
/* @noinline: never inlined (a function found by its address, e.g. by the bench trace). */
#define KTS_NOINLINE __attribute__((noinline))
#if defined(KTS_NO_FORCED_INLINE)
#define KTS_INLINE
#elif defined(__clang__)
#define KTS_INLINE __attribute__((always_inline))
#else
#define KTS_INLINE __attribute__((always_inline)) inline
#endif

/* ---- panics and logging (runtime-c/log.c) ---- */
_Noreturn void kts_panic(const char *file, uint32_t line, const char *msg);
void kts_panic_begin(void);
_Noreturn void kts_panic_end(const char *file, uint32_t line);
void kts_log_begin(void);
void kts_log_end(void);
void kts_log_str(const char *s);
void kts_log_u64(uint64_t v);
void kts_log_i64(int64_t v);
void kts_log_hex(uint64_t v);
void kts_log_bool(bool v);
void kts_log_ptr(const void *p);
/* logTakeOver(): end a line another log() left unfinished and free the console (fault reports). */
void kts_log_take_over(void);

/* `new T()`: zeroed storage for one object (runtime-c/alloc.c). */
void *kts_new(size_t size, size_t align);

/* strLength(): bytes before the terminating NUL. */
static inline uintptr_t kts_strlen(const char *s)
{
    uintptr_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* ---- checked operations: defined results or a panic with file:line ---- */

/* An array index, checked against the length. */
static inline uintptr_t kts_index(uintptr_t i, uintptr_t len, const char *file, uint32_t line)
{
    if (i >= len)
        kts_panic(file, line, "array index out of range");
    return i;
}

/* Unsigned division and remainder: panic on a zero divisor. */
#define KTS_UDIV(T, N)                                                                     \
    static inline T kts_div_##N(T a, T b, const char *file, uint32_t line)                 \
    {                                                                                      \
        if (b == 0)                                                                        \
            kts_panic(file, line, "division by zero");                                     \
        return (T)(a / b);                                                                 \
    }                                                                                      \
    static inline T kts_rem_##N(T a, T b, const char *file, uint32_t line)                 \
    {                                                                                      \
        if (b == 0)                                                                        \
            kts_panic(file, line, "division by zero");                                     \
        return (T)(a % b);                                                                 \
    }
KTS_UDIV(uint8_t, u8)
KTS_UDIV(uint16_t, u16)
KTS_UDIV(uint32_t, u32)
KTS_UDIV(uint64_t, u64)
KTS_UDIV(uintptr_t, usize)

/* Signed: panic on zero; MIN / -1 wraps to MIN and MIN % -1 is 0 (no trap). */
#define KTS_SDIV(T, N, MIN)                                                                \
    static inline T kts_div_##N(T a, T b, const char *file, uint32_t line)                 \
    {                                                                                      \
        if (b == 0)                                                                        \
            kts_panic(file, line, "division by zero");                                     \
        if (b == -1)                                                                       \
            return (T)(0u - (uint64_t)a);                                                  \
        return (T)(a / b);                                                                 \
    }                                                                                      \
    static inline T kts_rem_##N(T a, T b, const char *file, uint32_t line)                 \
    {                                                                                      \
        if (b == 0)                                                                        \
            kts_panic(file, line, "division by zero");                                     \
        if (b == -1)                                                                       \
            return 0;                                                                      \
        return (T)(a % b);                                                                 \
    }
KTS_SDIV(int8_t, i8, INT8_MIN)
KTS_SDIV(int16_t, i16, INT16_MIN)
KTS_SDIV(int32_t, i32, INT32_MIN)
KTS_SDIV(int64_t, i64, INT64_MIN)
KTS_SDIV(intptr_t, isize, INTPTR_MIN)

/* ---- hardware intrinsics (kernel only) ---- */
#ifndef KTS_HOST


/* arch/x86_64/stack.S */
_Noreturn void kts_switch_stack(virt_t top, void (*continuation)(void));

static inline uint8_t kts_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t kts_inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t kts_inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void kts_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void kts_outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void kts_outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t kts_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void kts_wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

#define KTS_CR(n)                                                                          \
    static inline uint64_t kts_read_cr##n(void)                                            \
    {                                                                                      \
        uint64_t v;                                                                        \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                  \
        return v;                                                                          \
    }
KTS_CR(0)
KTS_CR(2)
KTS_CR(3)
KTS_CR(4)
#define KTS_WCR(n)                                                                         \
    static inline void kts_write_cr##n(uint64_t v)                                         \
    {                                                                                      \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                         \
    }
KTS_WCR(0)
KTS_WCR(3)
KTS_WCR(4)

static inline void kts_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
                     : "a"(leaf), "c"(subleaf));
}

static inline uint64_t kts_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void kts_hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void kts_cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void kts_sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void kts_magic_breakpoint(void) { __asm__ volatile("xchg %%bx, %%bx" ::: "memory"); }
static inline void kts_invlpg(virt_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void kts_wbinvd(void) { __asm__ volatile("wbinvd" ::: "memory"); }
static inline void kts_mfence(void) { __asm__ volatile("mfence" ::: "memory"); }
static inline void kts_lfence(void) { __asm__ volatile("lfence" ::: "memory"); }
static inline void kts_sfence(void) { __asm__ volatile("sfence" ::: "memory"); }

/* ---- CPU setup: descriptor tables, segments, XCRs, registers for fault reports ---- */

/* LGDT/LIDT take a 10-byte pseudo-descriptor: 16-bit limit, 64-bit base. */
struct kts_pseudo_descriptor {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));
static inline void kts_lgdt(virt_t base, uint16_t limit)
{
    const struct kts_pseudo_descriptor d = { limit, base };
    __asm__ volatile("lgdt %0" : : "m"(d) : "memory");
}
static inline void kts_lidt(virt_t base, uint16_t limit)
{
    const struct kts_pseudo_descriptor d = { limit, base };
    __asm__ volatile("lidt %0" : : "m"(d) : "memory");
}
static inline void kts_ltr(uint16_t selector) { __asm__ volatile("ltr %0" : : "r"(selector) : "memory"); }
/* CS through a far return (the only way to load it in 64-bit mode), then SS, DS, ES, FS, GS. */
static inline void kts_load_segments(uint16_t code, uint16_t data)
{
    __asm__ volatile("pushq %q0\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %k1, %%ss\n\t"
                     "movl %k1, %%ds\n\t"
                     "movl %k1, %%es\n\t"
                     "movl %k1, %%fs\n\t"
                     "movl %k1, %%gs"
                     :
                     : "r"((uint64_t)code), "r"((uint32_t)data)
                     : "rax", "memory");
}
static inline uint64_t kts_xgetbv(uint32_t xcr)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void kts_xsetbv(uint32_t xcr, uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline uint64_t kts_read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq\n\tpopq %0" : "=r"(v));
    return v;
}
static inline virt_t kts_read_rsp(void)
{
    virt_t v;
    __asm__ volatile("movq %%rsp, %0" : "=r"(v));
    return v;
}
/* enterUser(): arch/x86_64/syscall.S loads the frame's registers and IRETQs to ring 3. */
_Noreturn void user_enter(virt_t frame);
static inline _Noreturn void kts_enter_user(virt_t frame) { user_enter(frame); }

/* returnBySysret(): arch/x86_64/syscall.S `user_sysret` (IRETQ for a non-canonical RIP). */
_Noreturn void user_sysret(virt_t frame);
static inline _Noreturn void kts_return_by_sysret(virt_t frame) { user_sysret(frame); }
/* svmRun(): arch/x86_64/svm.S `svm_vmrun`. */
void svm_vmrun(virt_t frame, phys_t vmcb, phys_t host);
static inline void kts_svm_run(virt_t frame, phys_t vmcb, phys_t host) { svm_vmrun(frame, vmcb, host); }
static inline void kts_vmsave(phys_t area) { __asm__ volatile("vmsave %%rax" : : "a"(area) : "memory"); }
/* vmxRun(): arch/x86_64/vmx.S `vmx_vmenter`.  The other VMX instructions report failure in CF or ZF. */
uint32_t vmx_vmenter(virt_t frame, bool launched);
static inline uint32_t kts_vmx_run(virt_t frame, bool launched) { return vmx_vmenter(frame, launched); }
/* VMXON, VMCLEAR, VMPTRLD: the physical address in memory; true unless CF or ZF says it failed. */
#define KTS_VMX_ADDRESS_OP(insn)                                                                 \
    static inline bool kts_##insn(phys_t pa)                                                     \
    {                                                                                            \
        bool failed;                                                                             \
        __asm__ volatile(#insn " %1" : "=@ccbe"(failed) : "m"(pa) : "memory");                   \
        return !failed;                                                                          \
    }
KTS_VMX_ADDRESS_OP(vmxon)
KTS_VMX_ADDRESS_OP(vmclear)
KTS_VMX_ADDRESS_OP(vmptrld)
static inline uint64_t kts_vmread(uint32_t field)
{
    uint64_t v;
    __asm__ volatile("vmread %1, %0" : "=r"(v) : "r"((uint64_t)field) : "cc");
    return v;
}
static inline void kts_vmwrite(uint32_t field, uint64_t value)
{
    __asm__ volatile("vmwrite %0, %1" : : "r"(value), "r"((uint64_t)field) : "cc", "memory");
}
/* INVEPT and INVVPID take a 128-bit descriptor in memory and the type in a register. */
static inline void kts_invept(uint64_t type, uint64_t eptp)
{
    const struct { uint64_t eptp, reserved; } d = { eptp, 0 };
    __asm__ volatile("invept %0, %1" : : "m"(d), "r"(type) : "cc", "memory");
}
static inline void kts_invvpid(uint64_t type, uint64_t vpid, uint64_t address)
{
    const struct { uint64_t vpid, address; } d = { vpid, address };
    __asm__ volatile("invvpid %0, %1" : : "m"(d), "r"(type) : "cc", "memory");
}
static inline virt_t kts_read_gdtr_base(void)
{
    struct kts_pseudo_descriptor d;
    __asm__ volatile("sgdt %0" : "=m"(d));
    return d.base;
}
static inline virt_t kts_read_idtr_base(void)
{
    struct kts_pseudo_descriptor d;
    __asm__ volatile("sidt %0" : "=m"(d));
    return d.base;
}
static inline void kts_write_cr2(uint64_t v) { __asm__ volatile("movq %0, %%cr2" : : "r"(v) : "memory"); }
static inline void kts_soft_nmi(void) { __asm__ volatile("int $2" ::: "memory"); }
static inline void kts_clts(void) { __asm__ volatile("clts" : : : "memory"); }
static inline void kts_fxsave(virt_t area) { __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory"); }
static inline void kts_fxrstor(virt_t area) { __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory"); }
#define KTS_XSTATE_OP(name, insn)                                                                  \
    static inline void kts_##name(virt_t area, uint64_t mask)                                      \
    {                                                                                              \
        __asm__ volatile(insn " (%0)"                                                              \
                         :                                                                         \
                         : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))             \
                         : "memory");                                                              \
    }
KTS_XSTATE_OP(xsave, "xsave64")
KTS_XSTATE_OP(xrstor, "xrstor64")
KTS_XSTATE_OP(xsaves, "xsaves64")
KTS_XSTATE_OP(xrstors, "xrstors64")
#undef KTS_XSTATE_OP

/*
 * syscall(): one hypercall from ring 3; the kernel may change any of RDI, RSI, RDX, RAX, R8.
 * r[7] is the address right after the SYSCALL instruction, what RCX must hold afterwards.
 * A hypercall may run other code of the program before it returns (a portal's handler in
 * another EC of the same PD), but gcc assumes an asm statement calls no function: a static
 * variable that only such code writes may stay in a register across it.  User programs are
 * built one object per module (build/user.ts), so the hypercall wrappers of user/nova are real
 * calls into another translation unit, after which the caller's variables are read again.
 */
static inline void kts_syscall(uint64_t r[8])
{
    register uint64_t r8 __asm__("r8") = r[4];
    register uint64_t r11 __asm__("r11");
    uint64_t rcx, after;
    __asm__ volatile("leaq 1f(%%rip), %[after]\n\tsyscall\n1:"
                     : "+D"(r[0]), "+S"(r[1]), "+d"(r[2]), "+a"(r[3]), "+r"(r8), "=c"(rcx), "=r"(r11),
                       [after] "=&r"(after)
                     :
                     : "memory");
    r[4] = r8;
    r[5] = rcx;
    r[6] = r11;
    r[7] = after;
}

/*
 * currentFrame(): one asm statement, so the three values describe the same instruction (the
 * one after the LEA): the unwind entry of that address applies to this RSP and RBP.
 */
static inline void kts_current_frame(uint64_t out[3])
{
    uint64_t pc, sp, bp;
    __asm__ volatile("leaq 0(%%rip), %0\n\tmovq %%rsp, %1\n\tmovq %%rbp, %2"
                     : "=&r"(pc), "=&r"(sp), "=&r"(bp));
    out[0] = pc;
    out[1] = sp;
    out[2] = bp;
}
/* The architecturally undefined instruction: raises #UD (deliberate faults only). */
static inline void kts_ud2(void) { __asm__ volatile("ud2" ::: "memory"); }

#endif /* !KTS_HOST */

/*
 * copyQuads() and zeroQuads(): REP MOVSQ and REP STOSQ, one instruction for the whole area (the
 * kernel and SysV code run with DF clear: every entry from ring 3 clears it).  On the host, the
 * C library's memcpy and memset.
 */
#ifdef KTS_HOST
static inline void kts_copy_quads(virt_t to, virt_t from, uintptr_t n)
{
    __builtin_memcpy((void *)(uintptr_t)to, (const void *)(uintptr_t)from, n * 8);
}
static inline void kts_zero_quads(virt_t to, uintptr_t n)
{
    __builtin_memset((void *)(uintptr_t)to, 0, n * 8);
}
#else
static inline void kts_copy_quads(virt_t to, virt_t from, uintptr_t n)
{
    __asm__ volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(n) : : "memory");
}
static inline void kts_zero_quads(virt_t to, uintptr_t n)
{
    __asm__ volatile("rep stosq" : "+D"(to), "+c"(n) : "a"(0ull) : "memory");
}
#endif

static inline void kts_barrier(void) { __asm__ volatile("" ::: "memory"); }
/* PAUSE in spin-wait loops: valid in user mode too, so host tests of locked code build. */
static inline void kts_pause(void) { __asm__ volatile("pause"); }
static inline void kts_nop(void) { __asm__ volatile("nop"); }

#endif /* KTS_H */
