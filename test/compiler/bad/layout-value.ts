// expect: KTS1316 10:23
// A `layout()` value that is not an integer literal.

const SIZE: u32 = 8;

export class Entry {
  lo: u32;
  hi: u32;
}
layout(Entry, { size: SIZE });
