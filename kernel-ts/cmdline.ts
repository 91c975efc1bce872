// The kernel command line: space-separated words, each `key` or `key=value`.
// Unknown words (such as the kernel's file name, which QEMU and GRUB's
// multiboot v1 put first) are ignored.

let line: str = "";

export function init(cmdline: str): void {
  line = cmdline;
}

function isSpace(c: u8): bool {
  return c === 0x20 || c === 0x09;
}

/** Where word `key` (as `key` or `key=...`) starts in the line, or the line's length. */
function find(key: str): usize {
  const n = strLength(line);
  const k = strLength(key);
  let at: usize = 0;
  while (at < n) {
    while (at < n && isSpace(strByte(line, at))) at++;
    let i: usize = 0;
    while (i < k && at + i < n && strByte(line, at + i) === strByte(key, i)) i++;
    if (
      i === k &&
      (at + k === n || isSpace(strByte(line, at + k)) || strByte(line, at + k) === 0x3d)
    )
      return at;
    while (at < n && !isSpace(strByte(line, at))) at++;
  }
  return n;
}

export function has(key: str): bool {
  return find(key) < strLength(line);
}

/** Whether the line has `key=value` exactly. */
export function is(key: str, value: str): bool {
  const n = strLength(line);
  const at = find(key);
  const k = strLength(key);
  const v = strLength(value);
  if (at === n || at + k + 1 + v > n || strByte(line, at + k) !== 0x3d) return false;
  for (let i: usize = 0; i < v; i++) {
    if (strByte(line, at + k + 1 + i) !== strByte(value, i)) return false;
  }
  const after = at + k + 1 + v;
  return after === n || isSpace(strByte(line, after));
}

function digit(c: u8, base: u64): u64 {
  let d: u64 = 16;
  if (c >= 0x30 && c <= 0x39) d = u64(c - 0x30);
  else if (c >= 0x61 && c <= 0x66) d = u64(c - 0x61) + 10;
  else if (c >= 0x41 && c <= 0x46) d = u64(c - 0x41) + 10;
  return d < base ? d : 16;
}

/** The number in `key=123` or `key=0x7b`, or `fallback` when absent or malformed. */
export function number(key: str, fallback: u64): u64 {
  const n = strLength(line);
  let at = find(key) + strLength(key);
  if (at >= n || strByte(line, at) !== 0x3d) return fallback;
  at++;
  let base: u64 = 10;
  if (at + 1 < n && strByte(line, at) === 0x30 && (strByte(line, at + 1) | 0x20) === 0x78) {
    base = 16;
    at += 2;
  }
  let value: u64 = 0;
  let digits: u32 = 0;
  while (at < n && !isSpace(strByte(line, at))) {
    const d = digit(strByte(line, at), base);
    if (d === 16) return fallback;
    value = value * base + d;
    digits++;
    at++;
  }
  return digits === 0 ? fallback : value;
}
