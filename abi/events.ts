// Event numbers (nova-abi.md §8): event n of an EC goes to the portal at
// selector EVT + n of its PD's object space, EVT being the EC's event base
// (create_ec's R8). The ranges are NOVA's values, which the HIP reports
// (§9.5): the architectural events (host exception vectors, guest exit
// reasons) first, then the microhypervisor's own, STARTUP and RECALL (§8.4).
// The kernel delivers host events by these numbers (kernel-ts/event.ts);
// user programs place their event portals with the selector helpers below.

/** §8.1: 32 architectural host events (exception vectors), then 2 of NOVA's. */
export const SEL_HST_ARCH: u32 = 0x20;
export const SEL_HST_NOVA: u32 = 2;
/** §8.1: 256 architectural guest events (exit reasons), then 2 of NOVA's. */
export const SEL_GST_ARCH: u32 = 0x100;
export const SEL_GST_NOVA: u32 = 2;

/** §8.4: STARTUP (first dispatch of a global EC) and RECALL (ctrl_ec) of a host EC. */
export const HST_STARTUP: u32 = SEL_HST_ARCH + 0;
export const HST_RECALL: u32 = SEL_HST_ARCH + 1;
/** §8.4: STARTUP and RECALL of a vCPU. */
export const GST_STARTUP: u32 = SEL_GST_ARCH + 0;
export const GST_RECALL: u32 = SEL_GST_ARCH + 1;

/** The portal selector of host exception `vector` (§8.2) for an EC whose event base is `evt`. */
export function hostException(evt: u64, vector: u64): u64 {
  return evt + vector;
}
/** The portal selectors of a host EC's STARTUP and RECALL. */
export function hostStartup(evt: u64): u64 {
  return evt + HST_STARTUP;
}
export function hostRecall(evt: u64): u64 {
  return evt + HST_RECALL;
}
/** The portal selectors of a vCPU's exit `reason` (§8.3), STARTUP and RECALL. */
export function guestExit(evt: u64, reason: u64): u64 {
  return evt + reason;
}
export function guestStartup(evt: u64): u64 {
  return evt + GST_STARTUP;
}
export function guestRecall(evt: u64): u64 {
  return evt + GST_RECALL;
}
