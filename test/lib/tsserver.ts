// A client for the real tsserver (node_modules/typescript/lib/tsserver.js),
// as an editor drives it: JSON requests on stdin, one per line; responses and
// events on stdout, each framed by a Content-Length header.

import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface Location {
  line: number; // 1-based
  offset: number; // 1-based column
}

/** A diagnostic as the protocol sends it (protocol.Diagnostic). */
export interface ProtocolDiagnostic {
  start: Location;
  end: Location;
  text: string;
  code: number;
  category: string;
  source?: string;
}

interface Response {
  request_seq: number;
  success: boolean;
  message?: string;
  body?: unknown;
}

export class TsServer {
  private readonly proc: ChildProcess;
  private readonly pending = new Map<number, (r: Response) => void>();
  private seq = 0;
  private buf = Buffer.alloc(0);
  readonly logFile: string;

  /** `nodeArgs` go before tsserver.js (e.g. `--require` a preload script). */
  constructor(root: string, logDir: string, nodeArgs: string[] = []) {
    this.logFile = path.join(logDir, "tsserver.log");
    const tsserver = path.join(root, "node_modules", "typescript", "lib", "tsserver.js");
    const args = [...nodeArgs, tsserver, "--disableAutomaticTypingAcquisition"];
    args.push("--logVerbosity", "verbose", "--logFile", this.logFile);
    this.proc = spawn(process.execPath, args, { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
    this.proc.stdout!.on("data", (b: Buffer) => this.read(b));
    this.proc.on("exit", (code, signal) => {
      for (const done of this.pending.values())
        done({ request_seq: -1, success: false, message: `tsserver exited: ${code ?? signal}` });
      this.pending.clear();
    });
  }

  private read(b: Buffer): void {
    this.buf = Buffer.concat([this.buf, b]);
    for (;;) {
      const head = /^Content-Length: (\d+)\r\n\r\n/.exec(this.buf.toString("latin1", 0, 64));
      if (!head) return;
      const start = head[0].length;
      const end = start + Number(head[1]);
      if (this.buf.length < end) return;
      const msg = JSON.parse(this.buf.toString("utf8", start, end)) as Response & { type: string };
      this.buf = this.buf.subarray(end);
      if (msg.type !== "response") continue; // events: not asked for here
      this.pending.get(msg.request_seq)?.(msg);
      this.pending.delete(msg.request_seq);
    }
  }

  /** Sends one request; resolves with its response body, rejects on failure. */
  request<T = unknown>(command: string, args: object): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, (r) =>
        r.success ? resolve(r.body as T) : reject(new Error(`${command}: ${r.message}`)),
      );
      this.proc.stdin!.write(
        JSON.stringify({ seq, type: "request", command, arguments: args }) + "\n",
      );
    });
  }

  diagnostics(file: string): Promise<ProtocolDiagnostic[]> {
    return this.request<ProtocolDiagnostic[]>("semanticDiagnosticsSync", { file });
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  log(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8") : "";
  }

  /** Asks tsserver to exit; kills it if it has not within a second. */
  async close(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.stdin!.write(
      JSON.stringify({ seq: ++this.seq, type: "request", command: "exit" }) + "\n",
    );
    const timer = setTimeout(() => this.proc.kill(), 1000);
    await exited;
    clearTimeout(timer);
  }
}
