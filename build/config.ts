// Toolchain settings, validated with zod so a typo in an override is an
// error message, not a mysterious compiler failure.

import { z } from "zod";

export const Toolchain = z.object({
  /** C compiler: gcc or clang (both are tested). */
  cc: z.enum(["gcc", "clang"]),
  ld: z.string().min(1),
  cpp: z.string().min(1),
  /** Flags for every kernel C file. Warnings are errors; none may be removed. */
  cflags: z.array(z.string()),
  ldflags: z.array(z.string()),
  /** Where build outputs go (one directory per compiler keeps gcc and clang builds apart). */
  outDir: z.string().min(1),
});
export type Toolchain = z.infer<typeof Toolchain>;

/** The warning set the issue fixes (-Wall ... -Werror) plus more; never fewer. */
export const requiredWarnings = [
  "-Wall",
  "-Wextra",
  "-Wconversion",
  "-Wsign-conversion",
  "-Wshadow",
  "-Werror",
];

const kernelCflags = [
  "-std=c11",
  "-ffreestanding",
  "-nostdlib",
  "-mno-red-zone",
  "-mcmodel=kernel",
  "-fno-pic",
  "-fno-pie",
  "-mgeneral-regs-only",
  "-fno-stack-protector",
  // No .eh_frame (nothing unwinds for exceptions); with -g, gcc and clang describe every
  // frame in .debug_frame instead, from which the build makes the fault report's unwind table
  // (build/unwind.ts), so no register is given up to frame pointers.
  "-fno-asynchronous-unwind-tables",
  "-O2",
  "-g",
  ...requiredWarnings,
  "-Wcast-qual",
  "-Wpointer-arith",
  "-Wstrict-prototypes",
  "-Wmissing-prototypes",
  "-Wundef",
];

/**
 * What replaces -O2 in the debug build (`npm run debug`, docs/debugging.md). At -Og gdb's
 * `next` goes through a function's lines in source order (at -O2 it skips lines and comes
 * back to others). gcc's statement frontiers, on by default when
 * optimizing, give the instructions right after an inlined runtime-c/kts.h helper the
 * helper's last line: a call through a checked index then counts as kts.h, and `step` does
 * not enter the function called. Neither flag changes which checks the code makes.
 */
function debugFlags(cc: "gcc" | "clang"): string[] {
  // KTS_NO_FORCED_INLINE: `@inline` is a plain function here (runtime-c/kts.h).
  return cc === "gcc"
    ? ["-Og", "-gno-statement-frontiers", "-DKTS_NO_FORCED_INLINE"]
    : ["-Og", "-DKTS_NO_FORCED_INLINE"];
}

/** `debug`: the debug build, by default in its own directory so the tests' images stay as they are. */
export function toolchain(cc: "gcc" | "clang", outDir?: string, debug = false): Toolchain {
  const base = cc === "gcc" ? [...kernelCflags, "-fasm"] : kernelCflags;
  const defaultOut = (cc === "gcc" ? "out" : "out/clang") + (debug ? "/debug" : "");
  return Toolchain.parse({
    cc,
    ld: "ld",
    cpp: "cpp",
    // -std=c11 also turns off gcc's GNU keywords, and with them the `__seg_gs` address space
    // that per-CPU variables use (runtime-c/kts.h KTS_PERCPU); -fasm brings them back (clang
    // has `__seg_gs` as a predefined attribute macro in every mode).
    cflags: debug ? base.flatMap((f) => (f === "-O2" ? debugFlags(cc) : [f])) : base,
    ldflags: ["-nostdlib", "-static", "-z", "max-page-size=0x1000", "--orphan-handling=error"],
    outDir: outDir ?? defaultOut,
  });
}
