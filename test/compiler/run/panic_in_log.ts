// A panic while a log line is being written, inside one of its arguments: the half-written line
// ends before the panic's own line.
// expect-out: before
// expect-out: value:
// expect-out: PANIC: inside a log argument at test/compiler/run/panic_in_log.ts:9
// expect-exit: 1

function boom(): u32 {
  panic("inside a log argument");
}

export function main(): void {
  log(`before`);
  log(`value:${boom()}`);
  log(`after`);
}
