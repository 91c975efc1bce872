// The Hypervisor Information Page (../shared/docs/nova-abi.md §9.5): what the
// kernel tells the root PD about the platform, in one read-only page at
// 2^47 − 4 KiB of the root host space.

import * as kmem from "./kmem.ts";

/** §9.5, x86 length 0x90. */
export class Hip {
  signature: u32;
  checksum: u16;
  length: u16;
  novaStart: u64;
  novaEnd: u64;
  mbufStart: u64;
  mbufEnd: u64;
  rootStart: u64;
  rootEnd: u64;
  rsdp: u64;
  uefiMap: u64;
  uefiMapSize: u32;
  uefiDescSize: u16;
  uefiDescVersion: u16;
  stcFrequency: u64;
  selnum: u64;
  selHstArch: u16;
  selHstNova: u16;
  selGstArch: u16;
  selGstNova: u16;
  cpuNum: u16;
  cpuBsp: u16;
  intPin: u16;
  intMsi: u16;
  mcoObj: u8;
  mcoHst: u8;
  mcoGst: u8;
  mcoDma: u8;
  mcoPio: u8;
  mcoMsr: u8;
  kiMax: u16;
  features: u64;
  tpmLog: u64;
  tpmLogSize: u32;
  tpmLogOffset: u32;
}
layout(Hip, {
  size: 0x90,
  offsets: {
    checksum: 0x04,
    length: 0x06,
    novaStart: 0x08,
    mbufStart: 0x18,
    rootStart: 0x28,
    rsdp: 0x38,
    uefiMap: 0x40,
    uefiMapSize: 0x48,
    uefiDescSize: 0x4c,
    stcFrequency: 0x50,
    selnum: 0x58,
    selHstArch: 0x60,
    selGstArch: 0x64,
    cpuNum: 0x68,
    cpuBsp: 0x6a,
    intPin: 0x6c,
    mcoObj: 0x70,
    mcoMsr: 0x75,
    kiMax: 0x76,
    features: 0x78,
    tpmLog: 0x80,
    tpmLogSize: 0x88,
    tpmLogOffset: 0x8c,
  },
});

export const SIGNATURE: u32 = 0x4156_4f4e; // "NOVA"
export const FEATURE_VMX: u64 = 1 << 1;
export const FEATURE_SVM: u64 = 1 << 2;

/** The 16-bit word sum over the first `length` bytes of the page at `pa`. */
export function wordSum(pa: Phys, length: u16): u16 {
  const words = ptrFromVirt<u16>(kmem.toVirt(pa));
  let sum: u16 = 0;
  for (let i: usize = 0; i < usize(length / 2); i++) sum += words.get(i);
  return sum;
}

/** Sets the checksum so the word sum over the HIP is 0. */
export function seal(pa: Phys): void {
  const h = structAt<Hip>(kmem.toVirt(pa));
  h.checksum = 0;
  h.checksum = -wordSum(pa, h.length);
}
