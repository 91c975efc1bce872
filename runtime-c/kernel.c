/*
 * The runtime's environment inside the kernel: the console sink and the stop
 * after a panic are dialect functions (kernel-ts/console.ts, exceptions.ts); `new`
 * takes zeroed memory from a boot arena until the slab allocator takes over
 * (kernel-ts/memory.ts). Also the memory functions gcc and clang may call even
 * in freestanding code.
 */
#include "kts.h"

void kts_console_write(const char *s, size_t n);
_Noreturn void kts_stop(void);
void *memset(void *d, int c, size_t n);
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Generated from kernel-ts/console.ts and kernel-ts/exceptions.ts. */
void console_write(uint8_t *buf, uintptr_t len);
_Noreturn void exceptions_stopAfterPanic(void);

void kts_console_write(const char *s, size_t n)
{
    console_write((uint8_t *)(uintptr_t)s, n);
}

/* After the PANIC line of assert()/panic(): a stack walk, then the panic exit (power.ts). */
_Noreturn void kts_stop(void)
{
    exceptions_stopAfterPanic();
}

/* Generated from kernel-ts/memory.ts: slab storage once memory.startHeap() ran, else 0. */
virt_t memory_newObject(uintptr_t size, uintptr_t align);

/*
 * 1 MiB for objects created with `new` during early boot, before the slab
 * allocator can serve (it needs the direct map). In .bss, so they stay valid.
 */
static uint8_t arena[1u << 20] __attribute__((aligned(4096)));
static size_t arena_used;

void *kts_new(size_t size, size_t align)
{
    virt_t va = memory_newObject(size, align);
    if (va != 0)
        return (void *)(uintptr_t)va;
    size_t start = (arena_used + align - 1) & ~(align - 1);
    if (start > sizeof(arena) || size > sizeof(arena) - start)
        kts_panic(__FILE__, __LINE__, "boot arena exhausted");
    arena_used = start + size;
    return memset(&arena[start], 0, size);
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if (dp < sp) {
        while (n--)
            *dp++ = *sp++;
    } else {
        while (n--)
            dp[n] = sp[n];
    }
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}
