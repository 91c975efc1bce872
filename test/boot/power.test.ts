// ctrl_hw OP 0 (nova-abi.md §10.1, kernel-ts/ctrl_hw.ts) from the root task
// user/roottest-power: a platform reset (S = 7) through the FADT reset
// register, and where the FADT has none, BAD_FTR and then S5 through PM1a
// control with SLP_TYP 0 (QEMU's \_S5). QEMU runs with -no-reboot, so both
// end it with status 0, never the debug-exit status; they are told apart by
// QEMU's trace event qemu_system_shutdown_request, which a guest power-off
// raises with reason 6 (SHUTDOWN_CAUSE_GUEST_SHUTDOWN) and a reset does not.
// ctrl_hw from a PD other than the root PD (BAD_HYP) needs ECs in other PDs
// and is not tested yet.

import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { buildUser } from "../../build/user.ts";
import { boot } from "../lib/qemu.ts";

const kernel = await buildKernel({ progress: false });
const power = await buildUser("roottest-power", { progress: false });
const trace = ["-trace", "qemu_system_shutdown_request"];
const powerOff = /^qemu_system_shutdown_request reason=6$/m;

t.test("q35: ctrl_hw S=7 resets through the FADT reset register", async (t) => {
  const b = await boot(kernel.elf, ["-M", "q35", "-initrd", power, ...trace], 60_000);
  t.notOk(b.timedOut, "QEMU exits by itself");
  t.equal(b.status, 0, "status 0: the machine reset (-no-reboot), no debug-exit");
  t.match(b.console, /^HW: ctrl_hw reset$/m);
  t.match(b.console, /^POWER: reboot through the FADT reset register \(I\/O 0xcf9 value 0xf\)$/m);
  t.notMatch(b.stderr, powerOff, "a reset, not a power-off");
  t.notMatch(b.console, /^(EC: root EC killed|Boot complete|PANIC:)/m, "ctrl_hw did not return");
  if (!t.passing()) t.comment(b.tail);
});

t.test("pc: no FADT reset register, so S=7 is BAD_FTR; S5 powers off", async (t) => {
  const b = await boot(kernel.elf, ["-M", "pc", "-initrd", power, ...trace], 60_000);
  t.notOk(b.timedOut, "QEMU exits by itself");
  t.equal(b.status, 0, "status 0: the machine powered off, no debug-exit");
  t.notMatch(b.console, /^HW: ctrl_hw reset$/m, "no reset attempted");
  t.match(b.console, /^HW: ctrl_hw S5: PM1a control 0x604 SLP_TYP 0, PM1b control 0x0 SLP_TYP 0$/m);
  t.match(b.stderr, powerOff, "QEMU saw a guest power-off");
  t.notMatch(b.console, /^(EC: root EC killed|Boot complete|PANIC:)/m, "ctrl_hw did not return");
  if (!t.passing()) t.comment(b.tail);
});
