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
