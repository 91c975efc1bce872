// The root task's first steps: copy the NOVA object space's space capabilities
// (§9.3, NOVA SELNUM-8…SELNUM-1) into the root object space at 0x1000…0x1007
// (sel.ts), then COM1's ports from the NOVA PIO space to the root PIO space:
// from then on the TSS's I/O bitmap lets ring 3 reach COM1 (a #GP before).

import { PERM_MASK } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { ROOT_OBJ_NOVA_OBJ, ROOT_OBJ_ROOT_OBJ, SELNUM } from "../../abi/selectors.ts";
import { open, puts } from "../nova/console.ts";
import { NOVA_PIO, ROOT_PIO, pd } from "./sel.ts";
import { block, consoleReady, expectStatus } from "./test.ts";

/** §9.3: the NOVA object space's space capabilities start here. */
const NOVA_SPACES: u64 = SELNUM - 8;

export function run(): void {
  block(1);
  expectStatus(
    "ctrl_pd-obj-nova-to-root",
    pd(ROOT_OBJ_NOVA_OBJ, ROOT_OBJ_ROOT_OBJ, NOVA_SPACES, 3, ROOT_PIO, PERM_MASK),
    Status.SUCCESS,
  );
  expectStatus("ctrl_pd-pio-com1", open(NOVA_PIO, ROOT_PIO), Status.SUCCESS);
  consoleReady();
  puts("roottest: COM1 delegated, writing from ring 3\n");
}
