// Intel VMX processor-based VM-execution controls (Intel SDM Vol. 3, 25.6.2):
// the words a VMM writes with MTD CTRL (UTCB 0x0c0 primary, 0x0c4 secondary,
// nova-abi.md §6.2) and the masks a VMX vCPU's STARTUP reports in RAX and RCX
// (§8.4). The kernel ORs its forced controls into what the VMM asks and ANDs
// the result with what the CPU allows (§6.3).

/** Primary processor-based controls. */
export enum VmxPrimary {
  INTERRUPT_WINDOW = 1 << 2,
  TSC_OFFSETTING = 1 << 3,
  HLT = 1 << 7,
  INVLPG = 1 << 9,
  MWAIT = 1 << 10,
  RDPMC = 1 << 11,
  RDTSC = 1 << 12,
  CR3_LOAD = 1 << 15,
  CR3_STORE = 1 << 16,
  TERTIARY = 1 << 17,
  CR8_LOAD = 1 << 19,
  CR8_STORE = 1 << 20,
  TPR_SHADOW = 1 << 21,
  NMI_WINDOW = 1 << 22,
  MOV_DR = 1 << 23,
  UNCONDITIONAL_IO = 1 << 24,
  IO_BITMAPS = 1 << 25,
  MTF = 1 << 27,
  MSR_BITMAPS = 1 << 28,
  MONITOR = 1 << 29,
  PAUSE = 1 << 30,
  SECONDARY = 0x8000_0000,
}

/** Secondary processor-based controls. */
export enum VmxSecondary {
  VIRTUALIZE_APIC = 1 << 0,
  EPT = 1 << 1,
  DESCRIPTOR_TABLE = 1 << 2,
  RDTSCP = 1 << 3,
  VIRTUALIZE_X2APIC = 1 << 4,
  VPID = 1 << 5,
  WBINVD = 1 << 6,
  UNRESTRICTED_GUEST = 1 << 7,
  APIC_REGISTER_VIRTUALIZATION = 1 << 8,
  VIRTUAL_INTERRUPT_DELIVERY = 1 << 9,
  PAUSE_LOOP = 1 << 10,
  RDRAND = 1 << 11,
  INVPCID = 1 << 12,
  VMFUNC = 1 << 13,
  VMCS_SHADOWING = 1 << 14,
  RDSEED = 1 << 16,
  PML = 1 << 17,
  EPT_VE = 1 << 18,
  XSAVES = 1 << 20,
  MBEC = 1 << 22,
  TSC_SCALING = 1 << 25,
}
