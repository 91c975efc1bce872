// expect: KTS1306 5:3
// A labeled statement.

export function f(): void {
  outer: for (let i: u32 = 0; i < 4; i++) {
    for (let j: u32 = 0; j < 4; j++) {
      if (j === i) continue outer;
    }
  }
}
