// The prelude's promise to contributors: stock tsc (what editors run) already
// rejects the three classic mistakes, and the kernel itself type-checks clean.

import * as path from "node:path";
import { execa } from "execa";
import t from "tap";

const root = path.resolve(import.meta.dirname, "../..");
const tsc = path.join(root, "node_modules", ".bin", "tsc");

async function tscErrors(project: string): Promise<string[]> {
  const r = await execa(tsc, ["--noEmit", "--pretty", "false", "-p", project], {
    cwd: root,
    reject: false,
  });
  return r.stdout.split("\n").filter((l) => / error TS\d+:/.test(l));
}

t.test("stock tsc accepts kernel-ts", async (t) => {
  t.same(await tscErrors("kernel-ts"), []);
});

t.test("stock tsc rejects the three editor mistakes", async (t) => {
  const errors = await tscErrors("test/prelude/mistakes");
  const at = (file: string, line: number) =>
    errors.filter((e) => e.includes(`${file}(${line},`) && e.includes("error TS2"));
  t.equal(at("narrowing.ts", 3).length, 1, "u64 -> u32 without a conversion");
  t.match(at("narrowing.ts", 3)[0], /'u64' is not assignable to type 'u32'/);
  t.equal(at("address-kinds.ts", 6).length, 1, "Phys where Virt is expected");
  t.match(at("address-kinds.ts", 6)[0], /'Phys' is not assignable to parameter of type 'Virt'/);
  t.equal(at("number-as-pointer.ts", 6).length, 1, "a number used as a pointer");
  t.match(
    at("number-as-pointer.ts", 6)[0],
    /'u64' is not assignable to parameter of type 'Ptr<u32>'/,
  );
  t.equal(errors.length, 3, `exactly these three errors:\n${errors.join("\n")}`);
});
