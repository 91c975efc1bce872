// Modules: namespace and named imports of constants, enums, classes,
// functions and module-level `let` state, read after another module changed it.
// expect-out: nova verbose true limit -5 shift 12 size 4096 mask 0xfffffffffffff000
// expect-out: kernel base 0xffff800000000000 + 1 page 0xffff800000001000
// expect-out: levels 1 2 10
// expect-out: before: stage early base 0x100000 booted false
// expect-out: after: stage running base 0x103000 booted true
// expect-out: boots 3 last 10 history 1 2 10 0
// expect-out: pool 3 pages, 7 pages free
// expect-out: took frame 0x3000 order 2 (4 pages), 2 left
// expect-out: local NAME shadows nothing: main
// expect-out: names 1:low 2:mid 10:high 3:?
// expect-out: namespace new 0x0 order 5, static 0x7000, fn value 4

import * as config from "./config.ts";
import { boot, bootCount, history, Level, type Page, stage } from "./config.ts";
import * as pool from "./pool.ts";

const NAME: str = "main";

function level(i: u32): u32 {
  switch (i) {
    case 0:
      return Level.LOW;
    case 1:
      return config.Level.MID;
    default:
      return Level.HIGH;
  }
}

function name(l: u32): str {
  switch (l) {
    case config.Level.LOW:
      return "low";
    case Level.MID:
      return "mid";
    case config.Level.HIGH:
      return "high";
  }
  return "?";
}

export function main(): void {
  log(
    `${config.NAME} verbose ${config.VERBOSE} limit ${config.LIMIT} shift ${config.PAGE_SHIFT} size ${config.PAGE_SIZE} mask ${hex(config.PAGE_MASK)}`,
  );
  log(`kernel base ${config.KERNEL_BASE} + 1 page ${config.KERNEL_BASE + config.PAGE_SIZE}`);
  log(`levels ${level(0)} ${level(1)} ${level(2)}`);
  log(`before: stage ${stage} base ${config.base} booted ${config.booted}`);
  for (let i: u32 = 0; i < 3; i++) boot(level(i));
  log(`after: stage ${config.stage} base ${config.base} booted ${config.booted}`);
  log(
    `boots ${bootCount} last ${config.lastLevel} history ${history[0]} ${config.history[1]} ${history[2]} ${history[3]}`,
  );

  pool.give(1, 0);
  pool.give(2, 1);
  pool.give(3, 2);
  log(`pool ${pool.count()} pages, ${pool.bytesFree()} pages free`);
  const p: Page | null = pool.take();
  if (p !== null)
    log(
      `took frame ${p.frame} order ${p.order} (${p.bytes() / config.PAGE_SIZE} pages), ${pool.count()} left`,
    );
  log(`local NAME shadows nothing: ${NAME}`);
  log(`names 1:${name(1)} 2:${name(2)} 10:${name(10)} 3:${name(3)}`);
  const q = new config.Page();
  q.order = 5;
  const s = config.Page.at(7);
  const f: (level: u32) => u32 = config.boot;
  log(`namespace new ${q.frame} order ${q.order}, static ${s.frame}, fn value ${f(0)}`);
}
