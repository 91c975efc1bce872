// expect: KTS1106 8:1
// expect: KTS1318 13:3
// Calling a struct made callable by interface merging.

class Handler {
  count: u32;
}
interface Handler {
  (): void;
}

export function f(h: Handler): void {
  h();
}
