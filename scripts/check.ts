// `npm run check`: stock tsc over the tooling, the kernel and every user
// program (what an editor shows), then the dialect's own rules (ktsc check)
// over the kernel and every user program. Stops at the first failing step.

import { execa } from "execa";
import { USER_PROGRAMS } from "../build/user.ts";

const steps: string[][] = [
  ["tsc", "-p", "tsconfig.json"],
  ["tsc", "--noEmit", "-p", "kernel-ts"],
  ...USER_PROGRAMS.map((p) => ["tsc", "--noEmit", "-p", `user/${p}`]),
  ["tsx", "compiler/cli.ts", "check", "-p", "kernel-ts"],
  ...USER_PROGRAMS.map((p) => [
    "tsx",
    "compiler/cli.ts",
    "check",
    "--root",
    "user",
    "-p",
    `user/${p}`,
  ]),
];

for (const [cmd, ...args] of steps) {
  const r = await execa("npx", [cmd, ...args], { stdio: "inherit", reject: false });
  if (r.exitCode !== 0) {
    process.stderr.write(`check: ${cmd} ${args.join(" ")} failed\n`);
    process.exit(1);
  }
}
