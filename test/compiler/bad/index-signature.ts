// expect: KTS1106 5:3
// An index signature has no layout.

export class C {
  [k: string]: u32;
}
