// Enums, switch (fall-through, default, blocks in cases, return from a case),
// for/while/do-while with break and continue, nested loops, shadowed locals.
// expect-out: classify: 0:none 4:timer 5:serial 6:serial 7:high 8:high 9:other
// expect-out: fall 1 -> 111, 2 -> 11, 3 -> 1, 4 -> 1000
// expect-out: enum values 0 4 5 6 1 2 8 7
// expect-out: for-continue odd sum 25, break at 7
// expect-out: while 10 steps, do-while ran once with false condition: 1
// expect-out: nested break: pairs 6, continue skipped diagonal 12
// expect-out: shadow: outer 1, block 2, loop 10 11 12, after 1
// expect-out: shadow param 5 inner 50, switch-local 7
// expect-out: countdown 3 2 1 liftoff
// expect-out: collatz 27 steps 111 peak 9232
// expect-out: for without parts 4

enum Kind {
  NONE,
  TIMER = 4,
  SERIAL,
  KEYBOARD,
}

enum Flags {
  READ = 1,
  WRITE = 1 << 1,
  EXEC = WRITE << 2,
  RW = READ | WRITE | 4,
}

function classify(k: u32): str {
  switch (k) {
    case Kind.NONE:
      return "none";
    case Kind.TIMER:
      return "timer";
    case Kind.SERIAL:
    case Kind.KEYBOARD:
      return "serial";
    case 7:
    case 8: {
      const s = "high";
      return s;
    }
    default:
      return "other";
  }
}

function fall(n: u32): u32 {
  let r: u32 = 0;
  switch (n) {
    case 1:
      r += 100;
    // falls through
    case 2:
      r += 10;
    // falls through
    case 3:
      r += 1;
      break;
    default:
      r = 1000;
  }
  return r;
}

function kindOf(i: u32): u32 {
  if (i === 0) return Kind.TIMER - 4;
  else if (i === 1) return Kind.TIMER;
  else if (i === 2) return Kind.SERIAL;
  return Kind.KEYBOARD;
}

function shadowParam(x: u32): u32 {
  {
    const x: u32 = 50;
    log(`shadow param 5 inner ${x}, switch-local ${sw()}`);
  }
  return x;
}

function sw(): u32 {
  const y: u32 = 1;
  switch (y) {
    case 1: {
      const y: u32 = 7;
      return y;
    }
  }
  return y;
}

export function main(): void {
  log(
    `classify: 0:${classify(0)} 4:${classify(Kind.TIMER)} 5:${classify(Kind.SERIAL)} 6:${classify(Kind.KEYBOARD)} 7:${classify(8 - 1)} 8:${classify(8)} 9:${classify(9)}`,
  );
  log(`fall 1 -> ${fall(1)}, 2 -> ${fall(2)}, 3 -> ${fall(3)}, 4 -> ${fall(4)}`);
  log(
    `enum values ${kindOf(0)} ${kindOf(1)} ${kindOf(2)} ${kindOf(3)} ${Flags.READ} ${Flags.WRITE} ${Flags.EXEC} ${Flags.RW}`,
  );

  let odd: u32 = 0;
  let stop: u32 = 0;
  for (let i: u32 = 0; i < 100; i++) {
    if (i % 2 === 0) continue;
    if (i > 9) {
      stop = i;
      break;
    }
    odd += i;
  }
  for (let i: u32 = 0; ; i++) {
    if (i * i > 40) {
      stop = i;
      break;
    }
  }
  log(`for-continue odd sum ${odd}, break at ${stop}`);

  let n: u32 = 0;
  while (true) {
    n++;
    if (n < 10) continue;
    break;
  }
  let once: u32 = 0;
  do {
    once++;
  } while (once > 5);
  log(`while ${n} steps, do-while ran once with false condition: ${once}`);

  let pairs: u32 = 0;
  let offDiag: u32 = 0;
  for (let a: u32 = 0; a < 4; a++) {
    for (let b: u32 = 0; b < 4; b++) {
      if (b >= a) break;
      pairs++;
    }
    let b: u32 = 0;
    while (b < 4) {
      b++;
      if (b - 1 === a) continue;
      offDiag++;
    }
  }
  log(`nested break: pairs ${pairs}, continue skipped diagonal ${offDiag}`);

  const x: u32 = 1;
  let block: u32 = 0;
  {
    const x: u32 = 2;
    block = x;
  }
  let seen: u32 = 0;
  for (let x: u32 = 10; x < 13; x++) seen = seen * 100 + x;
  log(
    `shadow: outer ${x}, block ${block}, loop ${seen / 10000} ${(seen / 100) % 100} ${seen % 100}, after ${x}`,
  );
  shadowParam(5);

  let c: u32 = 3;
  const parts = array<u32, 3>();
  let k: usize = 0;
  do {
    parts[k] = c;
    k++;
    c--;
  } while (c !== 0);
  log(`countdown ${parts[0]} ${parts[1]} ${parts[2]} liftoff`);

  let v: u64 = 27;
  let steps: u32 = 0;
  let peak: u64 = v;
  while (v !== 1) {
    if ((v & 1) === 0) v = v / 2;
    else v = 3 * v + 1;
    if (v > peak) peak = v;
    steps++;
  }
  log(`collatz 27 steps ${steps} peak ${peak}`);

  let q: u32 = 0;
  for (;;) {
    q++;
    if (q === 4) break;
  }
  log(`for without parts ${q}`);
}
