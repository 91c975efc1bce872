// expect: KTS1109 9:3
// expect: KTS1109 13:10
// expect: KTS1109 19:23
// Names runtime-c/kts.h declares for the kernel beside its kts_ ones: the assembly routines
// behind enterUser(), vmxRun() and returnBySysret(). As a module-level name (`user.enter`,
// `vmx.vmenter`) or a linker symbol each would be declared twice with different types.

enum user {
  enter = 1,
}

class vmx {
  static vmenter(): u32 {
    return user.enter;
  }
}

export function f(): Virt {
  return linkerSymbol("user_sysret") + u64(vmx.vmenter());
}
