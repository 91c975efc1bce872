// Model-specific registers by number (Intel SDM Vol. 4, "Model-Specific
// Registers"; the AMD-only ones from AMD APM Vol. 2): every MSR the kernel
// reads or writes, and those nova-abi.md names. An MSR space's selectors are
// MSR numbers (§2.3), so VMMs delegate and test MSRs by these names
// (§9.8 lists what the NOVA MSR space grants), and a VMM writes a guest's
// EFER with the bits below. Names are the SDM's.

export const IA32_TSC: u32 = 0x10;
export const IA32_PLATFORM_ID: u32 = 0x17;
export const IA32_APIC_BASE: u32 = 0x1b;
export const IA32_FEATURE_CONTROL: u32 = 0x3a;
/** Indirect branch prediction barrier (write only). */
export const IA32_PRED_CMD: u32 = 0x49;
/** The microcode update's signature. */
export const IA32_BIOS_SIGN_ID: u32 = 0x8b;
export const IA32_CORE_CAPABILITIES: u32 = 0xcf;
export const IA32_MPERF: u32 = 0xe7;
export const IA32_APERF: u32 = 0xe8;
export const IA32_MTRRCAP: u32 = 0xfe;
export const IA32_ARCH_CAPABILITIES: u32 = 0x10a;
/** L1D cache flush (write only). */
export const IA32_FLUSH_CMD: u32 = 0x10b;
/** Microcode-controlled mitigations (CPUID.7.EDX bit 9). */
export const IA32_MCU_OPT_CTRL: u32 = 0x123;
export const IA32_SYSENTER_CS: u32 = 0x174;
export const IA32_SYSENTER_ESP: u32 = 0x175;
export const IA32_SYSENTER_EIP: u32 = 0x176;
export const IA32_OVERCLOCKING_STATUS: u32 = 0x195;
export const IA32_PERF_STATUS: u32 = 0x198;
export const IA32_THERM_STATUS: u32 = 0x19c;
export const IA32_PACKAGE_THERM_STATUS: u32 = 0x1b1;
export const IA32_PAT: u32 = 0x277;

// VMX capability MSRs (SDM Vol. 3, appendix A).
export const IA32_VMX_BASIC: u32 = 0x480;
export const IA32_VMX_PINBASED_CTLS: u32 = 0x481;
export const IA32_VMX_PROCBASED_CTLS: u32 = 0x482;
export const IA32_VMX_EXIT_CTLS: u32 = 0x483;
export const IA32_VMX_ENTRY_CTLS: u32 = 0x484;
export const IA32_VMX_MISC: u32 = 0x485;
export const IA32_VMX_CR0_FIXED0: u32 = 0x486;
export const IA32_VMX_CR0_FIXED1: u32 = 0x487;
export const IA32_VMX_CR4_FIXED0: u32 = 0x488;
export const IA32_VMX_CR4_FIXED1: u32 = 0x489;
export const IA32_VMX_PROCBASED_CTLS2: u32 = 0x48b;
export const IA32_VMX_EPT_VPID_CAP: u32 = 0x48c;

export const IA32_TSC_DEADLINE: u32 = 0x6e0;
/** The first x2APIC MSR: an xAPIC register at MMIO offset `reg` is MSR X2APIC_MSRS + (reg >> 4). */
export const X2APIC_MSRS: u32 = 0x800;

// Cache and memory-bandwidth allocation (SDM Vol. 3, 18.19): per class of service n, the
// masks are MSR _0 + n.
export const IA32_L3_QOS_CFG: u32 = 0xc81;
export const IA32_L2_QOS_CFG: u32 = 0xc82;
export const IA32_L3_QOS_MASK_0: u32 = 0xc90;
export const IA32_L2_QOS_MASK_0: u32 = 0xd10;
/** Memory-bandwidth allocation: the delay of class of service 0. */
export const IA32_L2_QOS_EXT_BW_THRTL_0: u32 = 0xd50;
export const IA32_XSS: u32 = 0xda0;

export const IA32_EFER: u32 = 0xc000_0080;
export const IA32_STAR: u32 = 0xc000_0081;
export const IA32_LSTAR: u32 = 0xc000_0082;
/** The RFLAGS bits SYSCALL clears. */
export const IA32_FMASK: u32 = 0xc000_0084;
export const IA32_FS_BASE: u32 = 0xc000_0100;
export const IA32_GS_BASE: u32 = 0xc000_0101;
/** What SWAPGS exchanges with the GS base. */
export const IA32_KERNEL_GS_BASE: u32 = 0xc000_0102;
export const IA32_TSC_AUX: u32 = 0xc000_0103;

// AMD SVM (APM Vol. 2, 15.30).
/** SVM control: bit 4 SVMDIS (the firmware disabled SVM). */
export const VM_CR: u32 = 0xc001_0114;
/** The physical address of the host save area VMRUN uses. */
export const VM_HSAVE_PA: u32 = 0xc001_0117;

// IA32_EFER's bits.
/** SYSCALL/SYSRET enable. */
export const EFER_SCE: u64 = 1 << 0;
export const EFER_LME: u64 = 1 << 8;
export const EFER_LMA: u64 = 1 << 10;
export const EFER_NXE: u64 = 1 << 11;
/** SVM enable (AMD). */
export const EFER_SVME: u64 = 1 << 12;
