// expect: KTS1107 7:6
// Two declarations of one enum name (tsc merges them; C cannot).

enum Color {
  Red = 0,
}
enum Color {
  Green = 1,
}

export function f(): void {}
