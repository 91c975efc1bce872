// expect: KTS1306 5:3
// for-in iterates keys, which C has none of.

export function f(a: Arr<u8, 4>): void {
  for (const k in a) log(`${k}`);
}
