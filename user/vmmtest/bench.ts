// vCPU path lengths (npm run bench; also run, unchecked, by the tests): the
// bench guest of guests.S times BENCH_N CPUID exits and BENCH_N I/O exits
// from inside the guest, each from the RDTSC before the instruction to the
// one after it (the exit, the kernel's delivery, the handler, the reply and
// the VMRUN back), and the handler times its own part (vmmShare): the
// kernel's share is the rest. Then the root task times guest-space
// delegations of one page and of 2^10 pages (ctrl_pd from its host space,
// the revocation untimed). Under QEMU -icount one tick is one instruction.
// The lines: `BENCH vm_exit_cpuid`, `BENCH vm_exit_cpuid_vmm`, the same for
// `vm_exit_io`, `BENCH gst_delegate_1`, `BENCH gst_delegate_1024`.

import { Perm_mem } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { ctrlPd } from "../nova/hypercall.ts";
import { report } from "../roottest/bench.ts";
import { NOVA_HST, ROOT_HST } from "../roottest/sel.ts";
import { BENCH_N, GST, vmmShares } from "./vmm.ts";

/** Where the guest keeps its samples (guests.S BENCH_BUF_GPA, guest_bench_buffer). */
export const BENCH_BUF_GPA: u64 = 0x20000;
export const BENCH_BUF_ORDER: u64 = 2;

/** The guest's and the handler's samples, once the bench guest ended. */
export function reportExits(): void {
  const guest = ptrFromVirt<u64>(linkerSymbol("guest_bench_buffer"));
  const vmm = vmmShares();
  report("vm_exit_cpuid", guest, BENCH_N);
  report("vm_exit_cpuid_vmm", vmm, BENCH_N);
  report("vm_exit_io", ptrFromVirt<u64>(virt(u64(ptrToVirt(guest)) + BENCH_N * 8)), BENCH_N);
  report("vm_exit_io_vmm", ptrFromVirt<u64>(virt(u64(ptrToVirt(vmm)) + BENCH_N * 8)), BENCH_N);
}

/** Guest-physical pages the delegation benches use (nothing else is there). */
const GPA_1: u64 = 0x100000 >> 12;
const GPA_1024: u64 = 0x400000 >> 12;
/** Root host-space pages: 2^10 aliases of one physical page (LOW_PAGE, as roottest's hst.ts). */
const ALIASES: u64 = 0x5000_0000 >> 12;
const ORDER_1024: u64 = 10;
const LOW_PAGE: u64 = 0x6;
const RW: u64 = Perm_mem.R | Perm_mem.W;
/** An empty root host-space range: delegated with pmm 0, it revokes the destination. */
const EMPTY_HST: u64 = 0x6000_0000 >> 12;

class Delegations {
  samples: Arr<u64, 1000>;
}
const delegations1 = new Delegations();

/**
 * BENCH_N delegations of 2^`order` pages from the aliases to `gpa`, each timed and revoked
 * untimed after it (a null range delegated over it), then reported as `name`; false if one
 * failed.
 */
function timeDelegations(name: str, order: u64, gpa: u64): bool {
  const samples = arrayPtr(delegations1.samples);
  for (let i: usize = 0; i < BENCH_N; i++) {
    const t0 = rdtsc();
    const st = ctrlPd(ROOT_HST, GST, ALIASES, order, gpa, RW, 0);
    samples.set(i, rdtsc() - t0);
    ctrlPd(ROOT_HST, GST, EMPTY_HST, order, gpa, 0, 0);
    if (st !== Status.SUCCESS) return false;
  }
  report(name, samples, BENCH_N);
  return true;
}

/** The delegation benches; false if their setup failed. */
export function delegations(): bool {
  for (let i: u64 = 0; i < u64(1) << ORDER_1024; i++)
    if (ctrlPd(NOVA_HST, ROOT_HST, LOW_PAGE, 0, ALIASES + i, RW, 0) !== Status.SUCCESS)
      return false;
  const ok =
    timeDelegations("gst_delegate_1", 0, GPA_1) &&
    timeDelegations("gst_delegate_1024", ORDER_1024, GPA_1024);
  const st = ctrlPd(ROOT_HST, ROOT_HST, EMPTY_HST, ORDER_1024, ALIASES, 0, 0);
  return ok && st === Status.SUCCESS;
}
