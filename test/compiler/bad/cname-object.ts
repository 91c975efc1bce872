// expect: KTS1109 10:5
// A module-level `const x = new C()` points to a static object named `<module>_x_obj` in C,
// which is also the C name of a variable `x_obj`.

class Tss {
  rsp0: u64;
}

const tss = new Tss();
let tss_obj: u64 = 0;

export function f(): u64 {
  tss_obj += tss.rsp0;
  return tss_obj;
}
