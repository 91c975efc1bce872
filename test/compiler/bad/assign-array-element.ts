// expect: KTS1314 12:3
// Assigning a whole row of a two-dimensional array (C has no array
// assignment; the C used to fail to compile).

export class Grid {
  cells: Arr<Arr<u8, 4>, 2>;
}

export function f(g: Grid): void {
  const row = array<u8, 4>();
  row[0] = 1;
  g.cells[1] = row;
}
