// expect-out: load 2, get 6, add 8, size 4
// expect-out: parameter 3 7, field 5, matrix 7 8
// A pointer to a fixed array, Ptr<Arr<T, N>>: its C is `T (*p)[N]`, and
// `.get(i)`/`.add(i)` step by whole arrays. Spelled `T *p[N]` (an array of
// pointers), the cast did not compile and a parameter read a pointer from
// the bytes it points at.

class Holder {
  rows: Ptr<Arr<u8, 4>>;
}

function second(p: Ptr<Arr<u8, 4>>, i: usize): u8 {
  return p.load()[i];
}

function lastOfRow(m: Arr<Arr<u8, 4>, 2>, row: usize): u8 {
  return m[row][3];
}

export function main(): void {
  const b = array<u8, 8>();
  for (let i: u8 = 0; i < 8; i++) b[i] = i + 1;
  const p = ptrCast<Arr<u8, 4>>(arrayPtr(b));
  log(
    `load ${p.load()[1]}, get ${p.get(1)[1]}, add ${p.add(1).load()[3]}, size ${sizeof<Arr<u8, 4>>()}`,
  );
  const h = new Holder();
  h.rows = p.add(1);
  const m = array<Arr<u8, 4>, 2>();
  m[1][3] = 8;
  m[1][2] = 7;
  log(
    `parameter ${second(p, 2)} ${second(p.add(1), 2)}, field ${h.rows.load()[0]}, matrix ${m[1][2]} ${lastOfRow(m, 1)}`,
  );
}
