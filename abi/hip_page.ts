// The Hypervisor Information Page (nova-abi.md §9.5): the kernel fills it
// (kernel-ts/root.ts) and the root PD reads it at HIP_ADDRESS. `Hip` is its
// x86 layout, 0x90 bytes, with every offset asserted.

/** "NOVA" */
export const HIP_SIGNATURE: u32 = 0x4156_4f4e;
/** Platform feature bits (offset 0x78). */
export const FEATURE_IOMMU: u64 = 0x1;
export const FEATURE_VMX: u64 = 0x2;
export const FEATURE_SVM: u64 = 0x4;

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
  kimax: u16;
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
    novaEnd: 0x10,
    mbufStart: 0x18,
    mbufEnd: 0x20,
    rootStart: 0x28,
    rootEnd: 0x30,
    rsdp: 0x38,
    uefiMap: 0x40,
    uefiMapSize: 0x48,
    uefiDescSize: 0x4c,
    uefiDescVersion: 0x4e,
    stcFrequency: 0x50,
    selnum: 0x58,
    selHstArch: 0x60,
    selHstNova: 0x62,
    selGstArch: 0x64,
    selGstNova: 0x66,
    cpuNum: 0x68,
    cpuBsp: 0x6a,
    intPin: 0x6c,
    intMsi: 0x6e,
    mcoObj: 0x70,
    mcoHst: 0x71,
    mcoGst: 0x72,
    mcoDma: 0x73,
    mcoPio: 0x74,
    mcoMsr: 0x75,
    kimax: 0x76,
    features: 0x78,
    tpmLog: 0x80,
    tpmLogSize: 0x88,
    tpmLogOffset: 0x8c,
  },
});
