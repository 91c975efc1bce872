// expect: KTS1314 10:16
// A local bound to an atomic field: a copy of the field, not the field.

class Obj {
  refs: Atomic<u32>;
}

const obj = new Obj();
export function f(): u32 {
  const refs = obj.refs;
  refs.add(1);
  return obj.refs.load();
}
