// expect: KTS1316 5:17
// An intrinsic used as a value.

export function f(): void {
  const write = outb;
  write(0x80, 0);
}
