// Locals named like the assembly routines runtime-c/kts.h declares for the kernel: as function
// pointers they would shadow those declarations (gcc's -Wshadow), so each gets a `_` in C.

function entered(frame: Virt, launched: bool): u32 {
  return launched ? u32(u64(frame)) : 0;
}

export function enter(frame: Virt): u32 {
  const vmx_vmenter: (frame: Virt, launched: bool) => u32 = entered;
  const user_enter: Virt = frame + 8;
  return vmx_vmenter(user_enter, true);
}
