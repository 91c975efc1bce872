// expect: KTS1313 10:10
// expect: KTS1002 10:22
// `new` with arguments (tsc also rejects them: there is no constructor).

export class Counter {
  value: u32;
}

export function f(): Counter {
  return new Counter(1);
}
