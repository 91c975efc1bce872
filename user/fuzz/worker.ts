// A worker: a global EC on one CPU, in the root PD or a child PD, that makes
// the round's calls of its stream one after another (gen.ts), keeping each
// in its ring with the status it got and counting the statuses, then says it
// is done and blocks for good (fuzz.S: GLOBAL_ENTRY's reply). Its handler
// sent it here at STARTUP with RDI = its index (handler.ts).

import { Hypercall } from "../../abi/hypercall.ts";
import { raw } from "../nova/hypercall.ts";
import { words } from "../nova/utcb.ts";
import { Call, Ctx, generate } from "./gen.ts";
import * as L from "./layout.ts";
import { trace } from "./report.ts";
import { Rng, seed, streamSeed } from "./rng.ts";
import { config, count, record, streams } from "./state.ts";

const rngs = array<Inline<Rng>, 24>();
const ctxs = array<Inline<Ctx>, 24>();
const calls = array<Inline<Call>, 24>();

/** Worker `w` (fuzz.S fuzz_worker_entry, RDI = w): the round's calls, then done. */
export function run(w: u64): void {
  const r = rngs[w];
  const c = ctxs[w];
  const k = calls[w];
  const s = streams[w];
  seed(r, streamSeed(config.seed, config.round, w));
  c.cpu = w % L.MAX_CPUS;
  c.cpus = config.cpus;
  c.steered = false;
  c.ticksPerUs = config.ticksPerUs;
  c.iommu = config.iommu;
  c.vcpus = config.vcpus;
  const utcb = words(L.workerUtcb(w));
  for (let n: u64 = 0; n < config.calls; n++) {
    generate(r, c, k);
    if ((k.rdi & 0xf) === u64(Hypercall.IPC_CALL)) utcb.set(0, k.word0);
    const e = record(s, n, k);
    if (config.trace) trace("w", w, n, k);
    e.status = raw(k.rdi, k.rsi, k.rdx, k.rax, k.r8) & 0xff;
    count(s, k.rdi, e.status);
    s.calls.store(n + 1);
  }
  s.done.store(1);
}
