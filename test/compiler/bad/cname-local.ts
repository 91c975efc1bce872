// expect: KTS1109 14:19
// expect: KTS1109 19:9
// expect: KTS1109 26:11
// Parameters and locals spelled like a module-level C name: `cname_local_limit` is also the C
// name of the global `limit`, which it would hide (`limit + cname_local_limit` would read the
// parameter twice); a local that shadows another is `n_2` in C, the name of a class.

let limit: u32 = 5;
const scale: u32 = 3;
class n_2 {
  v: u32;
}

export function f(cname_local_limit: u32): u32 {
  return limit + cname_local_limit;
}

export function g(x: u32): u32 {
  const cname_local_scale: u32 = x * scale;
  return cname_local_scale;
}

export function h(n: u32): u32 {
  let sum: u32 = n;
  for (let i: u32 = 0; i < n; i++) {
    const n: u32 = i * 2;
    sum += n;
  }
  return sum;
}
