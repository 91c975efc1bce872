// The memory-buffer console's ring (nova-abi.md §9.9, §12.16): one 4 KiB
// page, RdIdx (u32) at +0 advanced by the consumer, WrIdx (u32) at +4
// advanced by the kernel, characters from +8, N = 4088. Empty iff RdIdx ==
// WrIdx, so it holds at most N − 1 characters; when a character would make
// WrIdx reach RdIdx, the kernel advances RdIdx first and the oldest
// character is lost. console.ts owns the page and its semaphore; this file
// is the ring alone, so host tests can run it.

export const N: u32 = 4088;

export class Mbuf {
  rdIdx: u32;
  wrIdx: u32;
  chars: Arr<u8, 4088>;
}
layout(Mbuf, { align: 4096, size: 4096, offsets: { rdIdx: 0, wrIdx: 4, chars: 8 } });

/**
 * Appends `len` bytes from `buf` to the ring, dropping the oldest characters
 * when it is full; returns the number of newlines (the console semaphore's
 * ups). An index a consumer left ≥ N counts as 0.
 */
export function append(m: Mbuf, buf: Ptr<u8>, len: usize): u32 {
  let newlines: u32 = 0;
  let wr = m.wrIdx < N ? m.wrIdx : 0;
  for (let i: usize = 0; i < len; i++) {
    const c = buf.get(i);
    m.chars[wr] = c;
    wr = wr + 1 === N ? 0 : wr + 1;
    const rd = m.rdIdx < N ? m.rdIdx : 0;
    if (wr === rd) m.rdIdx = rd + 1 === N ? 0 : rd + 1;
    if (c === 0x0a) newlines++;
  }
  m.wrIdx = wr;
  return newlines;
}

/** Characters between RdIdx and WrIdx. */
export function unread(m: Mbuf): u32 {
  const rd = m.rdIdx < N ? m.rdIdx : 0;
  const wr = m.wrIdx < N ? m.wrIdx : 0;
  return wr >= rd ? wr - rd : N - rd + wr;
}

/** FNV-1a (64-bit) over the unread characters, oldest first (a boot test recomputes it from the serial log). */
export function hash(m: Mbuf): u64 {
  let h: u64 = 0xcbf2_9ce4_8422_2325;
  let at = m.rdIdx < N ? m.rdIdx : 0;
  const n = unread(m);
  for (let i: u32 = 0; i < n; i++) {
    h = (h ^ u64(m.chars[at])) * 0x100_0000_01b3;
    at = at + 1 === N ? 0 : at + 1;
  }
  return h;
}
