// expect: KTS1301 10:11
// An arrow function passed as a callback, capturing a local.

function each(n: u32, fn: (i: u32) => void): void {
  for (let i: u32 = 0; i < n; i++) fn(i);
}

export function f(): void {
  let total: u32 = 0;
  each(4, (i: u32): void => {
    total += i;
  });
}
