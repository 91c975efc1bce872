// Fixed-width integers, booleans and address kinds.
//
// Every integer type is `number` with one optional brand whose value is the
// set of types that convert to it without loss. Stock tsc therefore accepts
// widening (u8 -> u32, u32 -> i64) and rejects narrowing, sign changes and any
// mixing of address kinds with integers. Arithmetic results are plain
// `number` to tsc; the dialect compiler computes their exact type (see
// docs/dialect.md) and rejects what tsc lets through.

declare const kts: unique symbol;

type u8 = number & { readonly [kts]?: "u8" };
type u16 = number & { readonly [kts]?: "u8" | "u16" };
type u32 = number & { readonly [kts]?: "u8" | "u16" | "u32" };
type u64 = number & {
  readonly [kts]?: "u8" | "u16" | "u32" | "u64" | "usize";
};
type usize = number & { readonly [kts]?: "u8" | "u16" | "u32" | "usize" };
type i8 = number & { readonly [kts]?: "i8" };
type i16 = number & { readonly [kts]?: "i8" | "i16" | "u8" };
type i32 = number & { readonly [kts]?: "i8" | "i16" | "i32" | "u8" | "u16" };
type i64 = number & {
  readonly [kts]?: "i8" | "i16" | "i32" | "i64" | "isize" | "u8" | "u16" | "u32";
};
type isize = number & {
  readonly [kts]?: "i8" | "i16" | "i32" | "isize" | "u8" | "u16" | "u32";
};
type bool = boolean;

/** A physical address. Never mixes with integers or with `Virt`. */
type Phys = number & { readonly [kts]?: "phys" };
/** A virtual address. Never mixes with integers or with `Phys`. */
type Virt = number & { readonly [kts]?: "virt" };

// Conversions read like casts. Narrowing keeps the low bits; widening
// zero-extends an unsigned source and sign-extends a signed one.
declare function u8(v: number): u8;
declare function u16(v: number): u16;
declare function u32(v: number): u32;
declare function u64(v: number): u64;
declare function usize(v: number): usize;
declare function i8(v: number): i8;
declare function i16(v: number): i16;
declare function i32(v: number): i32;
declare function i64(v: number): i64;
declare function isize(v: number): isize;
/** An integer that is a physical address. */
declare function phys(v: u64): Phys;
/** An integer that is a virtual address. */
declare function virt(v: u64): Virt;

declare namespace u8 {
  const MIN: u8;
  const MAX: u8;
}
declare namespace u16 {
  const MIN: u16;
  const MAX: u16;
}
declare namespace u32 {
  const MIN: u32;
  const MAX: u32;
}
declare namespace u64 {
  const MIN: u64;
  const MAX: u64;
}
declare namespace usize {
  const MIN: usize;
  const MAX: usize;
}
declare namespace i8 {
  const MIN: i8;
  const MAX: i8;
}
declare namespace i16 {
  const MIN: i16;
  const MAX: i16;
}
declare namespace i32 {
  const MIN: i32;
  const MAX: i32;
}
declare namespace i64 {
  const MIN: i64;
  const MAX: i64;
}
declare namespace isize {
  const MIN: isize;
  const MAX: isize;
}
