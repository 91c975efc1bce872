// expect: KTS1106 5:4
// An optional field: every field exists, zeroed (the C has no "absent").

export class C {
  x?: u32;
}
