// The smallest root task: ring 3's first check of the kernel's interface.
// start.S calls main with the root EC's initial RDI, RSI and RSP, then ends
// with UD2 with main's result in RDI and `status` in RSI, so the kernel's
// "EC: root EC killed" line shows both (docs/user-mode.md):
//
//   RDI: one bit per check passed, CHECKS_ALL when all passed
//   RSI: the status hypercall 0xf returned in RDI[7:0] (4, BAD_HYP)

/** The first fields of the HIP (nova-abi.md §9.5). */
class HipHead {
  signature: u32;
  checksum: u16;
  length: u16;
}
layout(HipHead, { size: 8, offsets: { checksum: 4, length: 6 } });

const HIP_ADDRESS: u64 = 0x7fff_ffff_f000;
const HIP_SIGNATURE: u32 = 0x4156_4f4e;
const HIP_LENGTH: u16 = 0x90;
const MULTIBOOT1_MAGIC: u64 = 0x2bad_b002;
const MULTIBOOT2_MAGIC: u64 = 0x36d7_6289;
const RESERVED_HYPERCALL: u64 = 0xf;
const BAD_HYP: u64 = 4;
const USER_RFLAGS: u64 = 0x202;

export const CHECKS_ALL: u64 = 0xff;

/** RSI at the UD2: the status of hypercall 0xf. */
export let status: u64 = 0;

function bit(ok: bool, n: u32): u64 {
  return ok ? u64(1) << n : 0;
}

/** The 16-bit word sum over the HIP's `length` bytes: 0 when the checksum is right. */
function hipSum(length: u16): u16 {
  const words = ptrFromVirt<u16>(virt(HIP_ADDRESS));
  let sum: u16 = 0;
  for (let i: usize = 0; i < usize(length / 2); i++) sum += words.get(i);
  return sum;
}

export function main(magic: u64, info: u64, stack: u64): u64 {
  let passed: u64 = 0;
  // §9.4: RDI = the boot loader's magic, RSI = its info address, RSP = the HIP.
  passed |= bit(magic === MULTIBOOT1_MAGIC || magic === MULTIBOOT2_MAGIC, 0);
  passed |= bit(info !== 0, 1);
  passed |= bit(stack === HIP_ADDRESS, 2);
  // §3: 0xf is BAD_HYP; RCX = the address after SYSCALL, R11 = 0x202; inputs preserved.
  const r = array<u64, 8>();
  r[0] = RESERVED_HYPERCALL | (0x1234 << 8);
  r[1] = 0x1111;
  r[2] = 0x2222;
  r[3] = 0x3333;
  r[4] = 0x4444;
  syscall(r);
  status = r[0] & 0xff;
  passed |= bit(status === BAD_HYP, 3);
  passed |= bit(r[5] === r[7] && r[6] === USER_RFLAGS, 4);
  passed |= bit(r[1] === 0x1111 && r[2] === 0x2222 && r[3] === 0x3333 && r[4] === 0x4444, 5);
  // §9.5: the HIP is readable and says NOVA, with its length and a zero word sum.
  const hip = structAt<HipHead>(virt(HIP_ADDRESS));
  passed |= bit(hip.signature === HIP_SIGNATURE && hip.length === HIP_LENGTH, 6);
  passed |= bit(hipSum(hip.length) === 0, 7);
  return passed;
}
