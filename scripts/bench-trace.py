# gdb's half of scripts/bench-trace.ts (run with gdb -x, after the session's setup has
# connected to QEMU): single-steps one measured iteration of each bench of
# user/roottest/bench.ts and writes down every instruction it executes. Which of them count
# as serializing is decided by scripts/serializing.ts, not here.
#
# bench-trace.ts sets, before this script runs:
#   $bench_out    the file to write to (gdb's own output would interleave with it)
#   $bench_entry  the address of bench() in the bench task (reached once per bench)
#   $bench_start  the RDTSC that starts a measured call, $bench_end the one that ends it
#   $bench_skip   measured calls to let run untraced before the traced one
#   $bench_limit  steps after which a trace is given up (a call that never returns)
#
# Written to $bench_out, one line each:
#   @@bench <name>            bench() was entered for <name>
#   @@step <rcx> <x/i line>   one executed instruction, RCX before it (WRMSR's MSR number)
#   @@traced <steps>          the traced call reached the second RDTSC
#   @@gave-up <steps>         ... or did not within $bench_limit steps
#   @@end <why>               the boot ended (QEMU exits when the kernel is done)
#
# While gdb steps, QEMU holds off interrupts and timers (its default single-step mode),
# so a trace is the call's own path.

import gdb


def var(name):
    return int(gdb.convenience_variable(name))


ENTRY = var("bench_entry")
START = var("bench_start")
END = var("bench_end")
SKIP = var("bench_skip")
LIMIT = var("bench_limit")
out = open(gdb.convenience_variable("bench_out").string(), "w")

gdb.execute("set pagination off")
# No location after every stepi: it costs a source lookup per step.
gdb.execute("set suppress-cli-notifications on")
entry = gdb.Breakpoint(f"*{ENTRY:#x}", internal=True)
start = gdb.Breakpoint(f"*{START:#x}", internal=True)
start.enabled = False

# x/i of each address once: the code does not change while it is traced, and reading it
# again would cost a round trip to QEMU per step.
listing = {}


def emit(line):
    out.write(line + "\n")
    out.flush()


def reg(name):
    return int(gdb.parse_and_eval(f"${name}")) & 0xFFFFFFFFFFFFFFFF


def trace():
    steps = 0
    pc = reg("pc")
    while pc != END:
        if steps == LIMIT:
            emit(f"@@gave-up {steps}")
            return
        if pc not in listing:
            listing[pc] = gdb.execute(f"x/i {pc:#x}", to_string=True).strip()
        out.write(f"@@step {reg('rcx'):x} {listing[pc]}\n")
        gdb.execute("stepi", to_string=True)
        steps += 1
        pc = reg("pc")
    emit(f"@@traced {steps}")


while True:
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error as e:
        emit(f"@@end {e}")
        break
    pc = reg("pc")
    if pc == ENTRY:
        emit(f"@@bench {gdb.parse_and_eval('(char *) $rdi').string()}")
        start.enabled = True
        start.ignore_count = SKIP
    elif pc == START:
        start.enabled = False
        trace()
    else:
        emit(f"@@end stopped at {pc:#x}, not at a breakpoint of this script")
        break
