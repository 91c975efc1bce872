/*
 * The runtime's environment for host test programs (the semantics oracle,
 * unit tests of kernel data structures): stdout as the console, exit(1) as
 * the stop, calloc behind `new`.
 */
#include "kts.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kts_console_write(const char *s, size_t n)
{
    fwrite(s, 1, n, stdout);
    fflush(stdout);
}

_Noreturn void kts_stop(void)
{
    exit(1);
}

void *kts_new(size_t size, size_t align)
{
    void *p = aligned_alloc(align, (size + align - 1) / align * align);
    if (!p)
        kts_panic(__FILE__, __LINE__, "out of memory");
    memset(p, 0, size);
    return p;
}
