// One build of an output at a time across processes. `npm test` runs two
// test files at once, and most of them build the kernel or the same user
// program into out/ on their way in: without this, one process could link
// while the other was still writing an object of the same build (a CI run
// failed with undefined references that way). The second process waits, then
// finds everything up to date.
//
// The lock is a listening Unix socket in Linux's abstract namespace, named
// after the output's path: the kernel drops it when its process ends, however
// it ends, so there is no stale lock file to clean up after a killed build.

import { createHash } from "node:crypto";
import * as net from "node:net";
import * as path from "node:path";

/** How long a waiting build sleeps between attempts. */
const RETRY_MS = 100;

function socketName(output: string): string {
  const hash = createHash("sha256").update(path.resolve(output)).digest("hex").slice(0, 32);
  return `\0nova-kts-build-${hash}`;
}

/** Listens on `name`: the server if it was free, null if another process holds it. */
function tryListen(name: string): Promise<net.Server | null> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE") resolve(null);
      else reject(e);
    });
    server.once("listening", () => resolve(server));
    server.listen({ path: name });
  });
}

/** Runs `build` holding the lock of `output` (a path), waiting for it as long as it takes. */
export async function withBuildLock<T>(output: string, build: () => Promise<T>): Promise<T> {
  const name = socketName(output);
  let server = await tryListen(name);
  while (server === null) {
    await new Promise((r) => setTimeout(r, RETRY_MS));
    server = await tryListen(name);
  }
  // The socket must not keep a process alive that has nothing else to do.
  server.unref();
  try {
    return await build();
  } finally {
    server.close();
  }
}
