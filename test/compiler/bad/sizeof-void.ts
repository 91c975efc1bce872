// expect: KTS1316 5:10
// void has no size (gcc would say 1, clang rejects it).

export function f(): usize {
  return sizeof<void>();
}
