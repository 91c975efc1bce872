// Pointers, fixed arrays, struct layout and shared-memory primitives.
//
// A class is a C struct and a class-typed value is a pointer to one (`Ec` is
// `Ec *`). `Ptr<T>` is for everything else that lives at an address; it is an
// opaque, invariant interface, so tsc rejects `p + 1`, `Ptr<u32>` where
// `Ptr<u8>` is wanted, and any pointer/number mix. Reinterpreting takes a named
// intrinsic that is easy to grep for.

declare const ptrTag: unique symbol;
interface Ptr<T> {
  readonly [ptrTag]: (t: T) => T;
  /** `*p` */
  load(): T;
  /** `*p = v` */
  store(v: T): void;
  /** `p[i]` */
  get(i: usize): T;
  /** `p[i] = v` */
  set(i: usize, v: T): void;
  /** `p + n`, scaled by the element size. */
  add(n: usize): Ptr<T>;
  /** A volatile read: never merged, reordered against other volatiles, or removed (MMIO). */
  loadVolatile(): T;
  /** A volatile write (MMIO). */
  storeVolatile(v: T): void;
}
declare function ptrFromVirt<T>(va: Virt): Ptr<T>;
declare function ptrToVirt(p: Ptr<any>): Virt;
declare function ptrCast<U>(p: Ptr<any>): Ptr<U>;
/** The struct stored at a virtual address (a hardware or firmware structure). */
declare function structAt<T>(va: Virt): T;
/**
 * The address of a symbol defined outside the dialect: by the linker script (`__text_start`), by
 * assembly (`boot_stack_top`) or by a generated table. `name` is a string literal naming a C
 * identifier; the C gets `extern char name[];`
 * (the type kts.h gives the linker-script symbols too, so both may name one).
 */
declare function linkerSymbol(name: str): Virt;
/** The address of a struct. */
declare function structAddress(s: object): Virt;
/** The address of element 0 of a fixed array. */
declare function arrayPtr<T>(a: Arr<T, number>): Ptr<T>;

/** A fixed-size array of N elements, stored in place (a struct field, a global or a local). */
interface Arr<T, N extends number> {
  readonly length: N;
  [i: number]: T;
}
/** A zeroed fixed array, for locals and globals: `const buf = array<u8, 64>();` */
declare function array<T, N extends number>(): Arr<T, N>;

/** String literals only; the dialect has no dynamic strings. Lowered to `const char *`. */
type str = string;
/** The length of a string in bytes, without the terminating NUL. */
declare function strLength(s: str): usize;
/** Byte i of a string (unchecked, like a pointer: i must be below strLength(s)). */
declare function strByte(s: str, i: usize): u8;
/** The string stored at a virtual address (NUL-terminated, e.g. a boot loader's command line). */
declare function strAt(va: Virt): str;
/** A NUL-terminated byte buffer seen as a string. */
declare function strFromBytes(a: Arr<u8, number>): str;

declare const inlineTag: unique symbol;
/**
 * A struct field stored by value inside its parent (C embedding), instead of
 * the default pointer. Reading the field gives a reference to the embedded
 * struct; assigning to it is rejected.
 */
type Inline<T> = T & { readonly [inlineTag]?: true };

/** Layout directives and documented sizes/offsets, turned into `_Static_assert`s. */
interface LayoutSpec<T> {
  packed?: true;
  align?: 1 | 2 | 4 | 8 | 16 | 32 | 64 | 128 | 4096;
  size?: number;
  offsets?: { [K in keyof T]?: number };
}
declare function layout<T>(cls: abstract new (...args: any[]) => T, spec: LayoutSpec<T>): void;
declare function sizeof<T>(): usize;
declare function alignof<T>(): usize;
declare function offsetof<T>(field: keyof T & string): usize;

/**
 * The memory order of an atomic operation: C11's, for the `__atomic`
 * builtins of the same name. Written only as a constant argument of an
 * `Atomic<T>` operation (`a.load(Order.ACQUIRE)`).
 */
declare enum Order {
  /** Atomic, but orders nothing else. */
  RELAXED,
  /** Later accesses stay after it (a load, or the load of a read-modify-write). */
  ACQUIRE,
  /** Earlier accesses stay before it (a store, or the store of a read-modify-write). */
  RELEASE,
  /** Both (a read-modify-write only). */
  ACQ_REL,
  /** Acquire and release, in one total order with every other SEQ_CST operation. */
  SEQ_CST,
}

/**
 * A value that several CPUs read and write at once. Every operation takes
 * an optional memory order, SEQ_CST if left out; `add`, `sub`, `and`, `or`
 * and `exchange` return the previous value. A load is not RELEASE or
 * ACQ_REL, a store not ACQUIRE or ACQ_REL. `compareExchange` takes the
 * order of its success and that of its failure (a load's: no stronger than
 * the success's); a failure left out is the success's without its release.
 */
interface Atomic<T> {
  load(order?: Order): T;
  store(v: T, order?: Order): void;
  add(v: T, order?: Order): T;
  sub(v: T, order?: Order): T;
  and(v: T, order?: Order): T;
  or(v: T, order?: Order): T;
  exchange(v: T, order?: Order): T;
  compareExchange(expected: T, desired: T, success?: Order, failure?: Order): bool;
}
/** Top-level declaration of an atomic variable with its initial value. */
declare function atomic<T>(init: T): Atomic<T>;

/** A variable with one instance per CPU; each CPU sees its own. */
interface PerCpu<T> {
  get(): T;
  set(v: T): void;
}
/** Top-level declaration of a per-CPU variable with its initial value. */
declare function perCpu<T>(init: T): PerCpu<T>;
