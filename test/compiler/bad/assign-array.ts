// expect: KTS1314 7:3
// Assigning a whole fixed array.

export function f(): void {
  const buf = array<u8, 4>();
  let copy = array<u8, 4>();
  copy = buf;
}
