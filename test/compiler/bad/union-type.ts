// expect: KTS1103 4:22
// A union other than `Struct | null` / `Ptr<T> | null`.

export function f(x: u32 | bool): void {
  log("called");
}
