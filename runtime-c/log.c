/*
 * Console lines for log(), panic() and assert(). Each line is formatted into
 * a buffer and written in one call while a lock is held, so two CPUs never
 * interleave inside a line. The output sink and the final stop are provided
 * by the environment: kernel.c in the kernel, host.c in host test programs.
 */
#include "kts.h"

void kts_console_write(const char *s, size_t n);
_Noreturn void kts_stop(void);

static char line[256];
static size_t used;
static volatile uint32_t lock;

static void flush(void)
{
    if (used)
        kts_console_write(line, used);
    used = 0;
}

static void put(char c)
{
    if (used == sizeof(line))
        flush();
    line[used++] = c;
}

void kts_log_begin(void)
{
    while (__atomic_exchange_n(&lock, 1u, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
}

void kts_log_end(void)
{
    put('\n');
    flush();
    __atomic_store_n(&lock, 0u, __ATOMIC_RELEASE);
}

void kts_log_str(const char *s)
{
    while (s && *s)
        put(*s++);
}

void kts_log_u64(uint64_t v)
{
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put(digits[--n]);
}

void kts_log_i64(int64_t v)
{
    if (v < 0) {
        put('-');
        kts_log_u64(0u - (uint64_t)v);
    } else {
        kts_log_u64((uint64_t)v);
    }
}

void kts_log_hex(uint64_t v)
{
    int shift = 60;
    put('0');
    put('x');
    while (shift > 0 && ((v >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        put("0123456789abcdef"[(v >> shift) & 0xf]);
}

void kts_log_bool(bool v)
{
    kts_log_str(v ? "true" : "false");
}

void kts_log_ptr(const void *p)
{
    kts_log_hex((uint64_t)(uintptr_t)p);
}

void kts_log_take_over(void)
{
    /* A fault inside log() (or on another CPU while it prints) must not spin forever. */
    if (__atomic_exchange_n(&lock, 1u, __ATOMIC_ACQUIRE) && used) {
        put('\n');
        flush();
    }
    used = 0;
    __atomic_store_n(&lock, 0u, __ATOMIC_RELEASE);
}

void kts_panic_begin(void)
{
    /*
     * A panic while the console is held (a panic inside a log argument) must still print, on a
     * line of its own: the half-written line ends first, as kts_log_take_over ends it.
     */
    if (__atomic_exchange_n(&lock, 1u, __ATOMIC_ACQUIRE) && used)
        put('\n');
    flush();
    kts_log_str("PANIC: ");
}

_Noreturn void kts_panic_end(const char *file, uint32_t lineno)
{
    kts_log_str(" at ");
    kts_log_str(file);
    put(':');
    kts_log_u64(lineno);
    put('\n');
    flush();
    /* Free the console: the environment's stop may still print (the kernel's stack walk). */
    __atomic_store_n(&lock, 0u, __ATOMIC_RELEASE);
    kts_stop();
}

_Noreturn void kts_panic(const char *file, uint32_t lineno, const char *msg)
{
    kts_panic_begin();
    kts_log_str(msg);
    kts_panic_end(file, lineno);
}
