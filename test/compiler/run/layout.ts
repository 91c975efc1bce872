// sizeof/alignof/offsetof for integers, addresses, pointers and structs;
// layout() with packed, align, size and offsets (the _Static_asserts hold).
// expect-out: ints 1 2 4 8 8 1 2 4 8 8 bool 1
// expect-out: addresses 8 8, ptr 8, struct-typed value is a pointer: Plain 12
// expect-out: Plain size 12 align 4 offsets a 0 b 4 c 8
// expect-out: Packed size 13 align 1 offsets a 0 b 1 c 9
// expect-out: Aligned size 64 align 64 offsets x 0 y 4
// expect-out: Header size 6 offsets magic 0 len 2 flags 4
// expect-out: Outer size 128 align 64 inner at 64
// expect-out: arrays: Vec 24 Bytes 3
// expect-out: packed field write/read 0x1122334455667788 9

class Plain {
  a: u8;
  b: u32;
  c: u16;
}
layout(Plain, { size: 12, offsets: { a: 0, b: 4, c: 8 } });

class Fix {
  a: u8;
  b: u64;
  c: u32;
}
layout(Fix, { packed: true, size: 13, offsets: { a: 0, b: 1, c: 9 } });

class Aligned {
  x: u32;
  y: u32;
}
layout(Aligned, { align: 64, size: 64 });

class Header {
  magic: u16;
  len: u16;
  flags: u8;
  pad: u8;
}
layout(Header, { size: 6, offsets: { magic: 0, len: 2, flags: 4 } });

class Outer {
  tag: u8;
  inner: Inline<Aligned>;
}

class Vec {
  items: Arr<u64, 3>;
}

class Bytes {
  b: Arr<u8, 3>;
}

export function main(): void {
  log(
    `ints ${sizeof<u8>()} ${sizeof<u16>()} ${sizeof<u32>()} ${sizeof<u64>()} ${sizeof<usize>()} ${sizeof<i8>()} ${sizeof<i16>()} ${sizeof<i32>()} ${sizeof<i64>()} ${sizeof<isize>()} bool ${sizeof<bool>()}`,
  );
  log(
    `addresses ${sizeof<Phys>()} ${sizeof<Virt>()}, ptr ${sizeof<Ptr<u8>>()}, struct-typed value is a pointer: Plain ${sizeof<Plain>()}`,
  );
  log(
    `Plain size ${sizeof<Plain>()} align ${alignof<Plain>()} offsets a ${offsetof<Plain>("a")} b ${offsetof<Plain>("b")} c ${offsetof<Plain>("c")}`,
  );
  log(
    `Packed size ${sizeof<Fix>()} align ${alignof<Fix>()} offsets a ${offsetof<Fix>("a")} b ${offsetof<Fix>("b")} c ${offsetof<Fix>("c")}`,
  );
  log(
    `Aligned size ${sizeof<Aligned>()} align ${alignof<Aligned>()} offsets x ${offsetof<Aligned>("x")} y ${offsetof<Aligned>("y")}`,
  );
  log(
    `Header size ${sizeof<Header>()} offsets magic ${offsetof<Header>("magic")} len ${offsetof<Header>("len")} flags ${offsetof<Header>("flags")}`,
  );
  log(
    `Outer size ${sizeof<Outer>()} align ${alignof<Outer>()} inner at ${offsetof<Outer>("inner")}`,
  );
  log(`arrays: Vec ${sizeof<Vec>()} Bytes ${sizeof<Bytes>()}`);

  const f = new Fix();
  f.b = 0x1122_3344_5566_7788;
  f.c = f.b > 0 ? 9 : 0;
  log(`packed field write/read ${hex(f.b)} ${f.c}`);
}
