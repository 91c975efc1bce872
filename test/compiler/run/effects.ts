// Evaluation: short-circuit && and ||, only the chosen ?: branch, compound
// assignment and ++ on lvalues with side effects evaluated once, calls as
// receivers, break/continue inside a switch inside a loop, 2-D arrays.
// expect-out: short-circuit null-safe false, calls 0; || skips 1 call
// expect-out: ternary evaluated one branch: 1 calls, value 10
// expect-out: a[next()] += 5 once: index calls 1, a 5 0 0
// expect-out: obj().count++ twice: obj calls 2, count 2, u8 wrap 1
// expect-out: switch in loop: sum 1+3+4 = 8 (2 skipped, 5 stops), after 5
// expect-out: do-while continue checks the condition: 3 rounds
// expect-out: unsigned countdown 3 2 1 0 -> 4 rounds
// expect-out: 2-D 0 1 2 3 / 10 11 12 13 / 30 31 32 33, row sum 46, grid field 7
// expect-out: atomics in an array 2 0 1
// expect-out: self-named param 4, keyword-named field 9

class Box {
  count: u32;
  small: u8;
  default: u32;
  int: u32;

  twice(self: u32): u32 {
    return self * 2;
  }
}

class Grid {
  cells: Arr<Arr<u8, 3>, 3>;
}

let calls: u32 = 0;
let index: usize = 0;
let theBox: Box | null = null;
const counters = array<Atomic<u32>, 3>();

function touch(v: bool): bool {
  calls++;
  return v;
}

function value(v: u32): u32 {
  calls++;
  return v;
}

function next(): usize {
  index++;
  return index - 1;
}

function obj(): Box {
  calls++;
  if (theBox === null) theBox = new Box();
  return theBox;
}

function rowSum(m: Arr<Arr<u32, 4>, number>, row: usize): u32 {
  let s: u32 = 0;
  for (let j: usize = 0; j < 4; j++) s += m[row][j];
  return s;
}

export function main(): void {
  const p = theBox;
  calls = 0;
  const safe = p !== null && p.count > 0;
  const c0 = calls;
  const any = touch(true) || touch(false);
  log(`short-circuit null-safe ${safe}, calls ${c0}; || skips ${calls} call${any ? "" : "?"}`);

  calls = 0;
  const t = calls === 0 ? value(10) : value(20);
  log(`ternary evaluated one branch: ${calls} calls, value ${t}`);

  const a = array<u32, 3>();
  a[next()] += 5;
  log(`a[next()] += 5 once: index calls ${index}, a ${a[0]} ${a[1]} ${a[2]}`);

  calls = 0;
  obj().count++;
  obj().count += 1;
  const b = obj();
  b.small = 255;
  b.small++;
  b.small += 1;
  log(`obj().count++ twice: obj calls ${calls - 1}, count ${b.count}, u8 wrap ${b.small}`);

  let sum: u32 = 0;
  let i: u32 = 0;
  for (i = 1; i < 10; i++) {
    switch (i) {
      case 2:
        continue;
      case 5:
        break;
      default:
        sum += i;
        continue;
    }
    break;
  }
  log(`switch in loop: sum 1+3+4 = ${sum} (2 skipped, 5 stops), after ${i}`);

  let rounds: u32 = 0;
  do {
    rounds++;
    if (rounds < 3) continue;
  } while (rounds < 3);
  log(`do-while continue checks the condition: ${rounds} rounds`);

  const down = array<u32, 4>();
  let n: usize = 0;
  for (let k: u32 = 4; k > 0; k--) {
    down[n] = k - 1;
    n++;
  }
  log(`unsigned countdown ${down[0]} ${down[1]} ${down[2]} ${down[3]} -> ${n} rounds`);

  const m = array<Arr<u32, 4>, 4>();
  for (let r: usize = 0; r < 4; r++) for (let c: usize = 0; c < 4; c++) m[r][c] = u32(r * 10 + c);
  const g = new Grid();
  g.cells[2][1] = 7;
  log(
    `2-D ${m[0][0]} ${m[0][1]} ${m[0][2]} ${m[0][3]} / ${m[1][0]} ${m[1][1]} ${m[1][2]} ${m[1][3]} / ${m[3][0]} ${m[3][1]} ${m[3][2]} ${m[3][3]}, row sum ${rowSum(m, 1)}, grid field ${g.cells[2][1]}`,
  );

  counters[0].add(2);
  counters[2].add(1);
  log(`atomics in an array ${counters[0].load()} ${counters[1].load()} ${counters[2].load()}`);

  b.default = 9;
  b.int = b.default;
  log(`self-named param ${b.twice(2)}, keyword-named field ${b.int}`);
}
