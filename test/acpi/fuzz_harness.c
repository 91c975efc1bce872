/*
 * Mutation fuzzer for the ACPI parsers (kernel-ts/acpi.ts, sdt.ts, madt.ts,
 * fadt.ts, mcfg.ts, hpet.ts, dmar.ts, ivrs.ts), linked with their generated C
 * and runtime-c/log.c under ASan+UBSan by test/acpi/fuzz.test.ts.
 *
 *   fuzz show <file.bin>...             parse each table unmodified, print the log
 *   fuzz run <iterations> <seed> <crash-file> <file.bin>...
 *
 * Seeds are QEMU's tables (test/fixtures/acpi/), plus an XSDT and a revision 2
 * RSDP derived from each RSDT and RSDP, since QEMU's SeaBIOS tables are ACPI
 * 1.0 only. Each iteration takes a seed, applies 1 to 4 random mutations
 * (bit flips, interesting values, entry-length and entry-type bytes,
 * truncation, extension, chunk copies and deletions, the header length, the
 * signature of another parser), usually repairs the checksum so the input
 * gets past it, copies it into a heap buffer of exactly its size and hands
 * that to the parser for its signature (then to report() when accepted). A
 * sanitizer finding or a kernel panic writes the input to <crash-file> and
 * ends the run with a non-zero status. The generator is deterministic: the
 * same seed gives the same inputs.
 *
 * This file is also the runtime's environment (instead of host.c): console
 * lines are counted and, for rejections, grouped by reason.
 */
#define _POSIX_C_SOURCE 200809L
#include "acpi.h"
#include "dmar.h"
#include "fadt.h"
#include "hpet.h"
#include "ivrs.h"
#include "madt.h"
#include "mcfg.h"
#include "sdt.h"
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the runtime's environment ---- */

static bool quiet;
static char last_line[512];
static size_t last_len;

#define MAX_REASONS 512
static struct {
    char shape[160];
    unsigned long count;
} reasons[MAX_REASONS];
static size_t reason_count;
static unsigned long reasons_dropped;

/* A rejection line with numbers replaced by '#', so lines group by reason. */
static void count_reason(const char *s, size_t n)
{
    char shape[160];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof(shape); i++) {
        char c = s[i];
        if (c == '\n')
            break;
        if (c >= '0' && c <= '9') {
            if (c == '0' && i + 1 < n && s[i + 1] == 'x')
                i++;
            while (i + 1 < n && ((s[i + 1] >= '0' && s[i + 1] <= '9') ||
                                 (s[i + 1] >= 'a' && s[i + 1] <= 'f')))
                i++;
            shape[k++] = '#';
            continue;
        }
        shape[k++] = c;
    }
    shape[k] = 0;
    for (size_t i = 0; i < reason_count; i++) {
        if (strcmp(reasons[i].shape, shape) == 0) {
            reasons[i].count++;
            return;
        }
    }
    if (reason_count == MAX_REASONS) {
        reasons_dropped++;
        return;
    }
    memcpy(reasons[reason_count].shape, shape, k + 1);
    reasons[reason_count].count = 1;
    reason_count++;
}

void kts_console_write(const char *s, size_t n)
{
    last_len = n < sizeof(last_line) ? n : sizeof(last_line) - 1;
    memcpy(last_line, s, last_len);
    last_line[last_len] = 0;
    if (!quiet) {
        fwrite(s, 1, n, stdout);
        return;
    }
    if (strstr(last_line, "rejected: "))
        count_reason(last_line, last_len);
}

/* ---- the current input, for a finding ---- */

static const char *crash_file = "fuzz-crash.bin";
static unsigned char *current;
static size_t current_len;
static unsigned long current_iteration;
static unsigned long long run_seed;

static void save_input(const char *why)
{
    fprintf(stderr, "FINDING (%s): iteration %lu of seed %llu, %zu-byte input written to %s\n",
            why, current_iteration, run_seed, current_len, crash_file);
    FILE *f = fopen(crash_file, "wb");
    if (f) {
        if (current && current_len)
            fwrite(current, 1, current_len, f);
        fclose(f);
    }
}

/* A panic: the kernel would have stopped (array index, division by zero, assert). */
_Noreturn void kts_stop(void)
{
    fprintf(stderr, "kernel stop after: %s", last_line);
    save_input("panic");
    exit(3);
}

void *kts_new(size_t size, size_t align)
{
    void *p = aligned_alloc(align, (size + align - 1) / align * align);
    if (!p)
        abort();
    memset(p, 0, size);
    return p;
}

static void on_sanitizer_death(void)
{
    save_input("sanitizer");
}

/* ---- seeds ---- */

typedef struct {
    char sig[5];
    unsigned char *bytes;
    size_t len;
} Table;

#define MAX_SEEDS 128
/* The largest input: seeds and what mutations make of them. */
#define MAX_INPUT 8192
static Table seeds[MAX_SEEDS];
static size_t seed_count;

static void add_seed(const char *sig, unsigned char *bytes, size_t len)
{
    if (seed_count == MAX_SEEDS || len > MAX_INPUT) {
        fprintf(stderr, "too many seed tables, or one too large\n");
        exit(2);
    }
    Table *t = &seeds[seed_count++];
    memcpy(t->sig, sig, 4);
    t->sig[4] = 0;
    t->bytes = bytes;
    t->len = len;
}

static void load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    unsigned char *buf = malloc(1 << 20);
    size_t len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    if (len < 4) {
        fprintf(stderr, "%s: too short\n", path);
        exit(2);
    }
    add_seed(memcmp(buf, "RSD PTR ", 8) == 0 ? "RSDP" : (const char *)buf, buf, len);
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned char checksum_of(const unsigned char *p, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return (unsigned char)(0x100 - (s & 0xff));
}

/* Sets the checksum byte(s) so the bytes sum to 0 (RSDP: both checksums). */
static void fix_checksum(unsigned char *p, size_t len, bool rsdp)
{
    if (rsdp) {
        if (len >= 20) {
            p[8] = 0;
            p[8] = checksum_of(p, 20);
        }
        if (len >= 36) {
            size_t n = get32(p + 20);
            if (n > len)
                n = len;
            p[32] = 0;
            p[32] = checksum_of(p, n);
        }
        return;
    }
    if (len >= 10) {
        size_t n = len >= 8 ? get32(p + 4) : len;
        if (n > len)
            n = len;
        p[9] = 0;
        p[9] = checksum_of(p, n);
    }
}

/* A copy of `t` with `n` more bytes (`extra`) appended, its length and checksum updated. */
static void add_extended(const Table *t, const unsigned char *extra, size_t n)
{
    size_t len = t->len + n;
    unsigned char *x = malloc(len);
    memcpy(x, t->bytes, t->len);
    memcpy(x + t->len, extra, n);
    put32(x + 4, (uint32_t)len);
    fix_checksum(x, len, false);
    add_seed(t->sig, x, len);
}

/* Entries QEMU's tables lack, appended to its MADT, DMAR, IVRS and MCFG (little-endian bytes). */
static const unsigned char madt_extra[] = {
    /* local APIC: uid 5, APIC id 5, online-capable (not enabled) */
    0, 8, 5, 5, 2, 0, 0, 0,
    /* x2APIC: id 0x100, enabled, uid 0x100 */
    9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 0x00, 0x01, 0, 0,
    /* x2APIC NMI: flags 0x5, every processor, LINT0 */
    10, 12, 5, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
    /* local APIC NMI: uid 1, LINT1 */
    4, 6, 1, 0, 0, 1,
    /* NMI source: flags 0xd, GSI 23 */
    3, 8, 0xd, 0, 23, 0, 0, 0,
    /* local APIC address override: 0xfee00000 */
    5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0,
    /* a second I/O APIC: id 1 at 0xfec01000, GSI base 24 */
    1, 12, 1, 0, 0x00, 0x10, 0xc0, 0xfe, 24, 0, 0, 0,
    /* an entry type the parser skips (GIC CPU interface, 8 bytes shown) */
    0x0b, 8, 0, 0, 0, 0, 0, 0,
};

static const unsigned char dmar_extra[] = {
    /* DRHD, INCLUDE_PCI_ALL, segment 0, base 0xfed91000, no scopes */
    0, 0, 16, 0, 1, 0, 0, 0, 0x00, 0x10, 0xd9, 0xfe, 0, 0, 0, 0,
    /* RMRR 0xbf000000-0xbf7fffff with an endpoint 00:1d.0 and a 2-hop endpoint */
    1, 0, 24 + 8 + 10, 0, 0, 0, 0, 0, 0, 0, 0, 0xbf, 0, 0, 0, 0, 0xff, 0xff, 0x7f, 0xbf, 0, 0, 0, 0,
    1, 8, 0, 0, 0, 0, 0x1d, 0,
    1, 10, 0, 0, 0, 0, 0x1c, 0, 0, 0,
    /* ATSR, segment 0, one bridge scope */
    2, 0, 16, 0, 0, 0, 0, 0, 2, 8, 0, 0, 0, 0, 0x1c, 0,
    /* RHSA: base 0xfed90000, proximity domain 0 */
    3, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0xd9, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0,
    /* SATC with an HPET scope (id 0 at 00:1f.0) */
    5, 0, 16, 0, 0, 0, 0, 0, 4, 8, 0, 0, 0, 0, 0x1f, 0,
};

static const unsigned char ivrs_extra[] = {
    /* IVHD type 11h for 00:03.0 at 0xfed80000 (EFR 0x29d3), with one entry of each kind */
    0x11, 0x90, 40 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 4 + 8 + 24, 0, 0x18, 0, 0x40, 0,
    0, 0, 0xd8, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xd3, 0x29, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 0, 0, 0,                               /* all, data 0 */
    3, 0x00, 0x01, 0xd7,                      /* range start 01:00.0, data 0xd7 */
    4, 0xff, 0x01, 0,                         /* range end 01:1f.7 */
    66, 0xa0, 0, 0, 0, 0xa3, 0, 0,            /* alias select 00:14.0 as 00:14.3 */
    67, 0x00, 0x02, 0, 0, 0x00, 0x02, 0,      /* alias range start 02:00.0 as 02:00.0 */
    4, 0xff, 0x02, 0,                         /* range end 02:1f.7 */
    70, 0x08, 0, 0, 1, 0, 0, 0,               /* extended select 00:01.0, ext data 1 */
    71, 0x00, 0x03, 0, 1, 0, 0, 0,            /* extended range start 03:00.0 */
    4, 0x07, 0x03, 0,                         /* range end 03:00.7 */
    72, 0, 0, 0xd7, 0, 0xa5, 0, 2,            /* special: HPET 0 is 00:14.5 */
    0xf0, 0xa6, 0, 0, 'A', 'M', 'D', 'I', '0', '0', '4', '0', 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, '0',
    0, /* ACPI HID AMDI0040 at 00:14.6, uid "0" */
    /* IVMD for all devices, select 00:14.0, range 01:00.0-01:1f.7 */
    0x20, 1, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0xbf, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0,
    0x21, 2, 32, 0, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf1, 0xbf, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0,
    0x22, 3, 32, 0, 0x00, 0x01, 0xff, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf2, 0xbf, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0,
    /* a block type the parser skips */
    0x50, 0, 8, 0, 0, 0, 0, 0,
};

static const unsigned char mcfg_extra[] = {
    /* segment 1, buses 0 to 63 at 0xc0000000 */
    0, 0, 0, 0xc0, 0, 0, 0, 0, 1, 0, 0, 63, 0, 0, 0, 0,
};

/* ACPI 6 FADT tail (bytes 244 to 275) and an X_PM_TMR_BLK, for a revision 6 FADT from a revision 3 one. */
static const unsigned char fadt_extra[32] = {0};
static const unsigned char x_pm_tmr[12] = {1, 32, 0, 3, 0x08, 0x06, 0, 0, 0, 0, 0, 0};

/* A table of `sig` built from a header copied from `t` and `n` body bytes. */
static void add_built(const Table *t, const char *sig, size_t fixed, const unsigned char *body,
                      size_t n)
{
    size_t len = fixed + n;
    unsigned char *x = calloc(1, len);
    memcpy(x, t->bytes, fixed);
    memcpy(x, sig, 4);
    memcpy(x + fixed, body, n);
    put32(x + 4, (uint32_t)len);
    fix_checksum(x, len, false);
    add_seed(sig, x, len);
}

static unsigned char body[8192];
static size_t body_len;

static void emit(const unsigned char *bytes, size_t n)
{
    if (body_len + n > sizeof(body)) {
        fprintf(stderr, "built seed too large\n");
        exit(2);
    }
    memcpy(body + body_len, bytes, n);
    body_len += n;
}

/*
 * Tables with more entries than the kernel keeps (madt.MAX_CPUS and so on),
 * from the header of a QEMU table of the same kind: the "table full" paths.
 */
static void add_full(const Table *t)
{
    body_len = 0;
    if (strcmp(t->sig, "APIC") == 0) {
        emit(t->bytes + 36, 8); /* local APIC address and flags */
        for (unsigned i = 0; i < 201; i++) {
            unsigned char e[8] = {0, 8, (unsigned char)i, (unsigned char)(i % 200), 1, 0, 0, 0};
            emit(e, 8); /* the last one repeats APIC id 0 */
        }
        for (unsigned i = 200; i < 260; i++) {
            unsigned char x[16] = {9, 16, 0, 0, (unsigned char)i, (unsigned char)(i >> 8), 0, 0, 1, 0, 0, 0,
                                   (unsigned char)i, (unsigned char)(i >> 8), 0, 0};
            emit(x, 16);
        }
        for (unsigned i = 0; i < 33; i++) {
            unsigned char io[12] = {1, 12, (unsigned char)i, 0, 0, (unsigned char)(i << 4), 0xc0, 0xfe,
                                    (unsigned char)(24 * i), 0, 0, 0};
            unsigned char o[10] = {2, 10, 0, (unsigned char)i, (unsigned char)i, 0, 0, 0, 0xd, 0};
            emit(io, 12);
            emit(o, 10);
        }
        for (unsigned i = 0; i < 257; i++) {
            unsigned char nmi[6] = {4, 6, (unsigned char)i, 0, 0, 1};
            emit(nmi, 6);
        }
        add_built(t, "APIC", 36, body, body_len);
    } else if (strcmp(t->sig, "MCFG") == 0) {
        emit(t->bytes + 36, 8);
        for (unsigned i = 0; i < 17; i++) {
            unsigned char a[16] = {0, 0, 0, (unsigned char)(0xa0 + i), 0, 0, 0, 0, (unsigned char)i, 0, 0,
                                   255, 0, 0, 0, 0};
            emit(a, 16);
        }
        add_built(t, "MCFG", 36, body, body_len);
    } else if (strcmp(t->sig, "DMAR") == 0) {
        emit(t->bytes + 36, 12);
        for (unsigned i = 0; i < 17; i++) {
            unsigned char d[16] = {0, 0, 16 + 9 * 8, 0, 0, 0, 0, 0, 0, (unsigned char)(i << 4), 0xd9, 0xfe,
                                   0, 0, 0, 0};
            emit(d, 16);
            for (unsigned k = 0; k < 9; k++) {
                unsigned char sc[8] = {1, 8, 0, 0, 0, (unsigned char)i, (unsigned char)k, 0};
                emit(sc, 8);
            }
        }
        for (unsigned i = 0; i < 17; i++) {
            unsigned char r[24] = {1, 0, 24, 0, 0, 0, 0, 0, 0, (unsigned char)(i << 4), 0, 0xbf, 0, 0, 0, 0,
                                   0xff, (unsigned char)((i << 4) | 0xf), 0, 0xbf, 0, 0, 0, 0};
            emit(r, 24);
        }
        add_built(t, "DMAR", 36, body, body_len);
    } else if (strcmp(t->sig, "IVRS") == 0) {
        emit(t->bytes + 36, 12);
        for (unsigned i = 0; i < 17; i++) {
            unsigned char h[24] = {0x10, 0, 24 + 17 * 4, 0, 0x18, 0, 0x40, 0, 0, 0, 0xd8, 0xfe, 0, 0, 0, 0,
                                   (unsigned char)i, 0, 0, 0, 0, 0, 0, 0};
            emit(h, 24);
            for (unsigned k = 0; k < 17; k++) {
                unsigned char e[4] = {2, (unsigned char)k, (unsigned char)i, 0};
                emit(e, 4);
            }
        }
        for (unsigned i = 0; i < 17; i++) {
            unsigned char m[32] = {0x21, 0, 32, 0, (unsigned char)i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                   0, (unsigned char)(i << 4), 0, 0xbf, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0};
            emit(m, 32);
        }
        add_built(t, "IVRS", 36, body, body_len);
    }
}

/*
 * More seeds from the QEMU tables: an XSDT and a revision 2 RSDP from each
 * RSDT and RSDP (SeaBIOS gives ACPI 1.0 ones only), a revision 6 FADT with an
 * X_PM_TMR_BLK, the MADT, DMAR, IVRS and MCFG with the entry kinds above
 * appended, so that mutations start from every kind the parsers know, and one
 * table of each of those four kinds with more entries than the kernel keeps.
 */
static void derive_seeds(void)
{
    size_t n = seed_count;
    for (size_t i = 0; i < n; i++) {
        Table *t = &seeds[i];
        if (strcmp(t->sig, "RSDT") == 0) {
            size_t entries = (t->len - 36) / 4;
            size_t len = 36 + 8 * entries;
            unsigned char *x = calloc(1, len);
            memcpy(x, t->bytes, 36);
            memcpy(x, "XSDT", 4);
            put32(x + 4, (uint32_t)len);
            x[8] = 1;
            for (size_t e = 0; e < entries; e++)
                put32(x + 36 + 8 * e, get32(t->bytes + 36 + 4 * e));
            fix_checksum(x, len, false);
            add_seed("XSDT", x, len);
        } else if (strcmp(t->sig, "RSDP") == 0 && t->len >= 20) {
            unsigned char *r = calloc(1, 36);
            memcpy(r, t->bytes, 20);
            r[15] = 2;
            put32(r + 20, 36);
            put32(r + 24, 0x7fe0000);
            fix_checksum(r, 36, true);
            add_seed("RSDP", r, 36);
        } else if (strcmp(t->sig, "FACP") == 0 && t->len == 244) {
            add_extended(t, fadt_extra, sizeof(fadt_extra));
            Table *f = &seeds[seed_count - 1];
            f->bytes[8] = 6;
            memcpy(f->bytes + 208, x_pm_tmr, sizeof(x_pm_tmr));
            fix_checksum(f->bytes, f->len, false);
        } else if (strcmp(t->sig, "APIC") == 0) {
            add_extended(t, madt_extra, sizeof(madt_extra));
        } else if (strcmp(t->sig, "DMAR") == 0) {
            add_extended(t, dmar_extra, sizeof(dmar_extra));
        } else if (strcmp(t->sig, "IVRS") == 0) {
            add_extended(t, ivrs_extra, sizeof(ivrs_extra));
        } else if (strcmp(t->sig, "MCFG") == 0) {
            add_extended(t, mcfg_extra, sizeof(mcfg_extra));
        }
        /* One "full" table of each kind is enough. */
        bool first = true;
        for (size_t k = 0; k < i; k++)
            if (strcmp(seeds[k].sig, t->sig) == 0)
                first = false;
        if (first)
            add_full(t);
    }
}

/* ---- the parsers ---- */

typedef struct {
    const char *sig;
    unsigned long inputs, accepted;
} Stat;

static Stat stats[] = {
    {"RSDP", 0, 0}, {"RSDT", 0, 0}, {"XSDT", 0, 0}, {"APIC", 0, 0}, {"FACP", 0, 0},
    {"MCFG", 0, 0}, {"HPET", 0, 0}, {"DMAR", 0, 0}, {"IVRS", 0, 0}, {"other", 0, 0},
};
#define STATS (sizeof(stats) / sizeof(stats[0]))

/* Parses `len` bytes at `p` as table `sig`; returns whether the parser accepted them. */
static bool parse(const char *sig, unsigned char *p, size_t len)
{
    virt_t va = (virt_t)(uintptr_t)p;
    uint32_t n = (uint32_t)len;
    bool ok;
    size_t s;
    if (strcmp(sig, "RSDP") == 0) {
        s = 0;
        ok = acpi_parseRsdp(va, n);
    } else if (strcmp(sig, "RSDT") == 0) {
        s = 1;
        ok = acpi_parseRoot(va, n, false);
    } else if (strcmp(sig, "XSDT") == 0) {
        s = 2;
        ok = acpi_parseRoot(va, n, true);
    } else if (strcmp(sig, "APIC") == 0) {
        s = 3;
        ok = madt_parse(va, n);
        if (ok)
            madt_report();
    } else if (strcmp(sig, "FACP") == 0) {
        s = 4;
        ok = fadt_parse(va, n);
        if (ok)
            fadt_report();
    } else if (strcmp(sig, "MCFG") == 0) {
        s = 5;
        ok = mcfg_parse(va, n);
        if (ok)
            mcfg_report();
    } else if (strcmp(sig, "HPET") == 0) {
        s = 6;
        ok = hpet_parse(va, n);
        if (ok)
            hpet_report();
    } else if (strcmp(sig, "DMAR") == 0) {
        s = 7;
        ok = dmar_parse(va, n);
        if (ok)
            dmar_report();
    } else if (strcmp(sig, "IVRS") == 0) {
        s = 8;
        ok = ivrs_parse(va, n);
        if (ok)
            ivrs_report();
    } else {
        s = 9;
        ok = sdt_check(va, n, sig, 36, "ACPI", "table") != 0;
    }
    stats[s].inputs++;
    if (ok)
        stats[s].accepted++;
    return ok;
}

/* ---- mutations ---- */

static uint64_t rng;

static uint64_t next(void)
{
    /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static size_t below(size_t n)
{
    return n ? (size_t)(next() % n) : 0;
}

static unsigned char work[MAX_INPUT];
static size_t work_len;

static const unsigned char type_bytes[] = {0,    1,    2,    3,    4,    5,    6,    9,    10,
                                           0x10, 0x11, 0x20, 0x21, 0x22, 0x40, 0x42, 0x43, 0x46,
                                           0x47, 0x48, 0x7f, 0x80, 0xf0, 0xff};
static const uint32_t interesting[] = {0,    1,      2,      3,          4,          6,
                                       7,    8,      0x10,   0x1f,       0x20,       0x7f,
                                       0x80, 0xff,   0x100,  0xfff,      0x1000,     0x7fff,
                                       0xffff, 0x10000, 0xfee00000, 0x7fffffff, 0x80000000,
                                       0xffffffff};
static const char *const signatures[] = {"APIC", "FACP", "MCFG", "HPET", "DMAR",
                                         "IVRS", "RSDT", "XSDT", "WAET"};

static void put_width(size_t at, uint32_t v, size_t width)
{
    for (size_t i = 0; i < width && at + i < work_len; i++)
        work[at + i] = (unsigned char)(v >> (8 * i));
}

static void mutate(void)
{
    size_t len = work_len;
    switch (below(12)) {
    case 0: /* flip a bit */
        if (len) {
            size_t at = below(len);
            work[at] ^= (unsigned char)(1u << below(8));
        }
        break;
    case 1: /* a random byte */
        if (len) {
            size_t at = below(len);
            work[at] = (unsigned char)next();
        }
        break;
    case 2: /* an interesting 8/16/32-bit value */
        if (len) {
            /* One call per statement: argument evaluation order differs between compilers. */
            size_t at = below(len);
            uint32_t v = interesting[below(sizeof(interesting) / sizeof(interesting[0]))];
            put_width(at, v, (size_t)1 << below(3));
        }
        break;
    case 3: /* an entry or structure type code somewhere past the header */
        if (len > 36) {
            size_t at = 36 + below(len - 36);
            work[at] = type_bytes[below(sizeof(type_bytes))];
        }
        break;
    case 4: /* a small length byte or word (entry lengths) */
        if (len > 36) {
            size_t at = 36 + below(len - 36);
            uint32_t v = (uint32_t)below(48);
            put_width(at, v, below(2) + 1);
        }
        break;
    case 5: /* truncate, perhaps with a matching header length */
        work_len = below(len + 1);
        if (below(2) && work_len >= 8)
            put32(work + 4, (uint32_t)work_len);
        break;
    case 6: { /* extend with random bytes, perhaps with a matching header length */
        size_t add = 1 + below(64);
        if (len + add > MAX_INPUT)
            break;
        for (size_t i = 0; i < add; i++)
            work[len + i] = (unsigned char)next();
        work_len = len + add;
        if (below(2) && work_len >= 8)
            put32(work + 4, (uint32_t)work_len);
        break;
    }
    case 7: /* the header's length near the true one, or anything */
        if (len >= 8)
            put32(work + 4, below(4) ? (uint32_t)(len + below(17) - 8) : (uint32_t)next());
        break;
    case 8: { /* copy a chunk over another place */
        if (len < 2)
            break;
        size_t from = below(len), to = below(len);
        size_t n = 1 + below(32);
        if (from + n > len)
            n = len - from;
        if (to + n > len)
            n = len - to;
        memmove(work + to, work + from, n);
        break;
    }
    case 9: { /* insert a copy of a chunk (a repeated entry) */
        if (len < 2)
            break;
        size_t from = below(len), to = below(len + 1);
        size_t n = 1 + below(24);
        if (from + n > len)
            n = len - from;
        if (len + n > MAX_INPUT)
            break;
        unsigned char chunk[32];
        memcpy(chunk, work + from, n);
        memmove(work + to + n, work + to, len - to);
        memcpy(work + to, chunk, n);
        work_len = len + n;
        if (below(2) && work_len >= 8)
            put32(work + 4, (uint32_t)work_len);
        break;
    }
    case 10: { /* delete a chunk */
        if (len < 2)
            break;
        size_t at = below(len);
        size_t n = 1 + below(24);
        if (at + n > len)
            n = len - at;
        memmove(work + at, work + at + n, len - at - n);
        work_len = len - n;
        if (below(2) && work_len >= 8)
            put32(work + 4, (uint32_t)work_len);
        break;
    }
    default: /* another parser's signature: its parser reads these bytes */
        if (len >= 4)
            memcpy(work, signatures[below(sizeof(signatures) / sizeof(signatures[0]))], 4);
        break;
    }
}

/* The parser the bytes go to: the signature they carry, if it is one with a parser. */
static const char *route(const Table *seed)
{
    static char sig[5];
    if (strcmp(seed->sig, "RSDP") == 0 || work_len < 4)
        return seed->sig;
    memcpy(sig, work, 4);
    sig[4] = 0;
    for (size_t i = 0; i < STATS; i++)
        if (strcmp(sig, stats[i].sig) == 0)
            return sig;
    return seed->sig;
}

static int run(unsigned long iterations)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    quiet = true;
    unsigned long accepted = 0;
    for (current_iteration = 0; current_iteration < iterations; current_iteration++) {
        const Table *seed = &seeds[below(seed_count)];
        memcpy(work, seed->bytes, seed->len);
        work_len = seed->len;
        size_t rounds = 1 + below(4);
        for (size_t r = 0; r < rounds; r++)
            mutate();
        if (below(8) != 0)
            fix_checksum(work, work_len, strcmp(seed->sig, "RSDP") == 0);
        const char *sig = route(seed);
        /* Exactly the input's size, so ASan sees any read past it. */
        unsigned char *buf = malloc(work_len ? work_len : 1);
        memcpy(buf, work, work_len);
        current = buf;
        current_len = work_len;
        if (parse(sig, buf, work_len))
            accepted++;
        current = NULL;
        free(buf);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("fuzz: %lu tables, %lu accepted, %lu rejected, %zu seeds, seed %llu, %.2f s\n",
           iterations, accepted, iterations - accepted, seed_count, run_seed, seconds);
    for (size_t i = 0; i < STATS; i++)
        printf("parser %s: %lu inputs, %lu accepted\n", stats[i].sig, stats[i].inputs,
               stats[i].accepted);
    for (size_t i = 0; i < reason_count; i++)
        printf("reason %lu: %s\n", reasons[i].count, reasons[i].shape);
    if (reasons_dropped)
        printf("reason %lu: (more shapes than the table holds)\n", reasons_dropped);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "show") == 0) {
        for (int i = 2; i < argc; i++)
            load(argv[i]);
        derive_seeds();
        for (size_t i = 0; i < seed_count; i++) {
            Table *t = &seeds[i];
            printf("== %s %zu bytes\n", t->sig, t->len);
            unsigned char *buf = malloc(t->len);
            memcpy(buf, t->bytes, t->len);
            bool ok = parse(t->sig, buf, t->len);
            if (ok && strcmp(t->sig, "RSDP") == 0)
                printf("RSDP: revision %u RSDT %#llx XSDT %#llx\n", acpi_info->revision,
                       (unsigned long long)acpi_info->rsdt, (unsigned long long)acpi_info->xsdt);
            if (ok && (strcmp(t->sig, "RSDT") == 0 || strcmp(t->sig, "XSDT") == 0))
                for (size_t e = 0; e < acpi_info->entryCount; e++)
                    printf("%s: entry %#llx\n", t->sig, (unsigned long long)acpi_info->entries[e]);
            printf("== %s\n", ok ? "accepted" : "rejected");
            free(buf);
        }
        return 0;
    }
    if (argc >= 6 && strcmp(argv[1], "run") == 0) {
        unsigned long iterations = strtoul(argv[2], NULL, 0);
        run_seed = strtoull(argv[3], NULL, 0);
        rng = run_seed ? run_seed : 1;
        crash_file = argv[4];
        __sanitizer_set_death_callback(on_sanitizer_death);
        for (int i = 5; i < argc; i++)
            load(argv[i]);
        derive_seeds();
        return run(iterations);
    }
    fprintf(stderr, "usage: fuzz show <table.bin>... | fuzz run <iterations> <seed> <crash-file> "
                    "<table.bin>...\n");
    return 64;
}
