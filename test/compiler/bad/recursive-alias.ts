// expect: KTS1103 5:13
// tsc accepts a type alias that contains itself through an interface's type argument; in C it
// would have no size.

type Nest = Arr<Nest, 2>;

export function f(): u32 {
  return 0;
}
