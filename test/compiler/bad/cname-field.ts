// expect: KTS1109 10:3
// A field spelled like an enum member's C name: `Color_Red` is a macro in C, which would
// replace the field's name in the struct.

export enum Color {
  Red = 1,
}

export class Paint {
  Color_Red: u32;
}

export function red(p: Paint): u32 {
  return p.Color_Red + Color.Red;
}
