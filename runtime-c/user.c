/*
 * The user environment's runtime: what generated modules call besides kts.h's inline
 * functions.  A root task has no console yet, so a panic (a failed check, a division by
 * zero, an index out of range) is UD2: the kernel kills the EC and logs where.
 */
#include "kts.h"

_Noreturn void kts_panic(const char *file, uint32_t line, const char *msg)
{
    (void)file;
    (void)line;
    (void)msg;
    for (;;)
        __asm__ volatile("ud2");
}

void kts_panic_begin(void) {}

_Noreturn void kts_panic_end(const char *file, uint32_t line)
{
    kts_panic(file, line, "panic");
}

/*
 * syscall() (kts.h): RDI = r[0], RSI = r[1], RDX = r[2], RAX = r[3], R8 = r[4]; the kernel may
 * change any of them.  r[7] is the address right after the SYSCALL instruction, what RCX must
 * hold afterwards.  noipa (gcc) keeps callers from learning what it reads and writes; clang
 * does not derive that across an inline asm statement.
 */
#if defined(__clang__)
__attribute__((noinline))
#else
__attribute__((noinline, noipa))
#endif
void kts_syscall(uint64_t r[8])
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
