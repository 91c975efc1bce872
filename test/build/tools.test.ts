// build/tools.ts as `npm test`'s first step (test/before.ts) runs it, on a PATH
// from which some tools have been taken away. Not root: the run stops with the
// one exact install line. Root: one apt-get run installs them, after `apt-get
// update` when apt does not know a package yet or when the install fails on
// stale package lists. apt-get and apt-cache are stand-ins here (shell
// scripts that log their arguments and "install" a package by putting its
// command on the PATH): the real apt-get is what the README's fresh-machine
// check (docs/testing.md) exercises.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { run } from "../lib/host.ts";

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
const isRoot = process.getuid?.() === 0;

const fakeAptCache = `#!/bin/sh
# policy <pkg>: a candidate once "apt-get update" ran, or at once with KNOWN=1
if [ -e "$STATE/updated" ] || [ "$KNOWN" = 1 ]; then echo "$2:"; echo "  Candidate: 1.0"
else echo "$2:"; echo "  Candidate: (none)"; fi
`;
const fakeAptGet = `#!/bin/sh
shift 2  # -o DPkg::Lock::Timeout=...
echo "$*" >> "$STATE/log"
case "$1" in
update) touch "$STATE/updated" ;;
install)
  if [ "$STALE" = 1 ] && [ ! -e "$STATE/updated" ]; then echo "404 Not Found" >&2; exit 100; fi
  for p in "$@"; do
    [ "$p" = qemu-system-x86 ] && [ "$PROVIDE" = 1 ] && ln -s /bin/true "$BIN/qemu-system-x86_64"
  done ;;
esac
exit 0
`;

interface Scene {
  code: number | null;
  out: string;
  /** The fake apt-get's argument lines, in order. */
  apt: string[];
}

/** Runs test/before.ts with `remove` taken off the PATH, as root or as nobody. */
async function scene(
  remove: string[],
  opts: { asRoot: boolean; env?: Record<string, string> },
): Promise<Scene> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-tools-"));
  const bin = path.join(dir, "bin");
  const state = path.join(dir, "state");
  fs.mkdirSync(bin);
  fs.mkdirSync(state);
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(bin, 0o777);
  fs.chmodSync(state, 0o777);
  try {
    const linked = new Set(remove);
    for (const d of ["/usr/local/bin", "/usr/bin", "/bin"])
      for (const f of fs.readdirSync(d)) {
        if (!linked.has(f)) fs.symlinkSync(path.join(d, f), path.join(bin, f));
        linked.add(f);
      }
    for (const [name, text] of [
      ["apt-get", fakeAptGet],
      ["apt-cache", fakeAptCache],
    ]) {
      fs.rmSync(path.join(bin, name), { force: true });
      fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
    }
    const env = { ...process.env, PATH: bin, BIN: bin, STATE: state, ...opts.env };
    const node = [process.execPath, tsx, "test/before.ts"];
    // Root when asked for, in a user namespace if this run is not root itself. Not root: as
    // nobody, keeping only the right to read and search every directory, since the clone may
    // lie where nobody could not read it (/root/...); user namespaces are not an option there,
    // as a chroot cannot make them.
    const nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    const readAll = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"];
    const as = opts.asRoot
      ? isRoot
        ? []
        : ["unshare", "--map-root-user"]
      : isRoot
        ? ["setpriv", ...nobody, ...readAll]
        : [];
    const cmd = [...as, ...node];
    const r = await run(cmd[0], cmd.slice(1), { cwd: root, env, timeoutMs: 60_000 });
    const log = path.join(state, "log");
    return {
      code: r.code,
      out: r.stdout + r.stderr,
      apt: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

t.test("not root: stops with the one exact install line", async (t) => {
  const s = await scene(["qemu-system-x86_64", "gdb"], { asRoot: false });
  t.equal(s.code, 1, `exit status 1 [got ${s.code}]`, { out: s.out });
  const what = /^missing host tools: qemu \(command qemu-system-x86_64\), gdb \(command gdb\)$/m;
  t.match(s.out, what, "the missing tools named");
  t.match(s.out, /^ {2}sudo apt-get install -y gdb qemu-system-x86$/m, "the install line");
  t.same(s.apt, [], "apt-get not run");
});

t.test("root, a fresh machine's empty package lists: update, then one install", async (t) => {
  const s = await scene(["qemu-system-x86_64"], { asRoot: true, env: { PROVIDE: "1" } });
  t.equal(s.code, 0, `exit status 0 [got ${s.code}]`, { out: s.out });
  const install = "install -y --no-install-recommends qemu-system-x86";
  t.same(s.apt, ["update", install], "apt-get update, then install");
});

t.test("root, stale package lists: the failed install is retried after an update", async (t) => {
  const env = { PROVIDE: "1", KNOWN: "1", STALE: "1" };
  const s = await scene(["qemu-system-x86_64"], { asRoot: true, env });
  t.equal(s.code, 0, `exit status 0 [got ${s.code}]`, { out: s.out });
  const install = "install -y --no-install-recommends qemu-system-x86";
  t.same(s.apt, [install, "update", install], "apt-get install, update, install");
});

t.test("root, a package that does not bring its tool: the run stops and says so", async (t) => {
  const s = await scene(["qemu-system-x86_64"], { asRoot: true, env: { KNOWN: "1" } });
  t.equal(s.code, 1, `exit status 1 [got ${s.code}]`, { out: s.out });
  const still = /^still missing after apt-get install: qemu \(command qemu-system-x86_64\)$/m;
  t.match(s.out, still, "what is still missing named");
});

t.test("root, everything present: apt-get is not run", async (t) => {
  const s = await scene([], { asRoot: true });
  t.equal(s.code, 0, `exit status 0 [got ${s.code}]`, { out: s.out });
  t.same(s.apt, [], "apt-get not run");
});
