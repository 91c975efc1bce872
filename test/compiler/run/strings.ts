// expect-out: length 11, first n, last l
// expect-out: found serial=0x2f8 at 6
// expect-out: from bytes: ok
// String bytes: strLength/strByte on literals and on strings read from memory.

const CMDLINE: str = "quiet serial=0x2f8 noapic";

function startsWithAt(s: str, at: usize, word: str): bool {
  const n = strLength(word);
  if (at + n > strLength(s)) return false;
  for (let i: usize = 0; i < n; i++) {
    if (strByte(s, at + i) !== strByte(word, i)) return false;
  }
  return true;
}

export function main(): void {
  const hv: str = "nova-kernel";
  const first = strByte(hv, 0) === 0x6e ? "n" : "?";
  const last = strByte(hv, strLength(hv) - 1) === 0x6c ? "l" : "?";
  log(`length ${strLength(hv)}, first ${first}, last ${last}`);
  for (let i: usize = 0; i < strLength(CMDLINE); i++) {
    if (startsWithAt(CMDLINE, i, "serial=")) log(`found serial=0x2f8 at ${i}`);
  }
  const buf = array<u8, 3>();
  buf[0] = 0x6f;
  buf[1] = 0x6b;
  const s = strAt(ptrToVirt(arrayPtr(buf)));
  log(`from bytes: ${strByte(s, 0) === 0x6f && strLength(s) === 2 ? "ok" : "wrong"}`);
}
