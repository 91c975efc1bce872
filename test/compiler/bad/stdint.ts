// expect: KTS1109 1:1
// A module named `stdint`: its header, stdint.h, would be the one every generated file
// includes through runtime-c/kts.h (the C compiler searches the -I directories first).

export function ready(): bool {
  return true;
}
