// expect: KTS1103 5:6
// `Inline<T>` of a non-struct type.

export class Holder {
  v: Inline<u32>;
}
