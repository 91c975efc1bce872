// expect: KTS1103 6:6
// expect: KTS1103 7:6
// Array lengths C cannot spell: 10^20, and 2^32 (lengths are below 2^32).

export class C {
  a: Arr<u8, 99999999999999999999>;
  b: Arr<u8, 4294967296>;
}
