// Synchronous access to binaryen from the main thread, through a worker:
// used by the 'binaryen' encoder, and for the text of modules (the `log`
// option). The default encoder (encode.ts) needs none of it.
//
// The JIT calls compileLoop/attachBridge synchronously from inside the running
// interpreter, and binaryen can only be loaded asynchronously (ESM with
// top-level await, ~335 ms, ~110 MB). So binaryen lives in a worker thread
// (worker-source.ts), started by the first compile request of the process:
// a program that compiles nothing never starts it. A request is
//
//   main:   flag[0] = 0; port.postMessage({desc, ...}); Atomics.wait(flag, 0, 0)
//   worker: builds the module with binaryen, port.postMessage(reply), flag[0] = 1, notify
//   main:   receiveMessageOnPort(port) -> the wasm bytes (and text)
//
// Node allows Atomics.wait on the main thread; receiveMessageOnPort reads the
// reply without the event loop, which is blocked under the interpreter anyway.
//
// One worker serves the whole process (every WasmBackend): it is a process
// resource like a thread pool, not compilation state, so it is the one
// module-level variable of the backend. It is unref'ed: it never keeps the
// process alive.

import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { encodeBody, type ModuleDesc } from './wasm-ir.js';
import { WORKER_SOURCE } from './worker-source.js';

export interface CompileRequest {
  readonly desc: ModuleDesc;
  /** Also return the module in the WebAssembly text format. */
  readonly text: boolean;
  /** Run binaryen's validator (slower; for tests and debugging). */
  readonly validate: boolean;
  /** binaryen optimization level; 0 skips binaryen's optimizer. */
  readonly optimize: number;
}

export interface CompileReply {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly text: string | null;
  /** Time spent in the worker (binaryen build, validate, optimize, emit). */
  readonly workerMs: number;
}

/** How long a request may take before the worker is considered dead (the first includes loading binaryen). */
const TIMEOUT_MS = 120_000;

class CompileWorker {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;

  constructor(warmup: { readonly rounds: number; readonly desc: ModuleDesc } | null) {
    const binaryenUrl = pathToFileURL(createRequire(import.meta.url).resolve('binaryen')).href;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`), {
      workerData: { port: port2, flag: this.flag, binaryenUrl, warmup },
      transferList: [port2],
    });
    this.worker.unref();
  }

  compile(request: CompileRequest): CompileReply {
    Atomics.store(this.flag, 0, 0);
    // The body travels flattened (wasm-ir.ts, encodeBody), its buffer transferred.
    const body = encodeBody(request.desc.body);
    this.port.postMessage({ ...request, desc: { ...request.desc, body: null }, body }, [body.code.buffer]);
    const deadline = Date.now() + TIMEOUT_MS;
    let reply: ReturnType<typeof receiveMessageOnPort>;
    for (;;) {
      if (Atomics.load(this.flag, 0) !== 0 && (reply = receiveMessageOnPort(this.port)) !== undefined) break;
      if (Date.now() > deadline) {
        void this.worker.terminate();
        throw new Error('wasm backend: the binaryen worker did not answer');
      }
      Atomics.wait(this.flag, 0, 0, 50);
    }
    const r = reply.message as { ok: true; bytes: Uint8Array<ArrayBuffer>; text: string | null; ms: number } | { ok: false; error: string };
    if (!r.ok) throw new Error(`wasm backend: binaryen failed: ${r.error}`);
    return { bytes: r.bytes, text: r.text, workerMs: r.ms };
  }

  dispose(): void {
    void this.worker.terminate();
  }
}

let shared: CompileWorker | null = null;

/** Rounds of binaryen warm-up the worker runs while idle (see worker-source.ts). */
const WARMUP_ROUNDS = 40;

/**
 * Compiles a module description to wasm bytes, blocking until the worker is
 * done. `warmup` gives a representative module for the worker to compile
 * while idle, when this call starts it.
 */
export function compileModule(request: CompileRequest, warmup?: () => ModuleDesc): CompileReply {
  shared ??= start(warmup);
  try {
    return shared.compile(request);
  } catch (e) {
    // A worker that failed to answer may be wedged: the next request gets a fresh one.
    if (e instanceof Error && e.message.includes('did not answer')) {
      shared.dispose();
      shared = null;
    }
    throw e;
  }
}

/** Starts the worker (and binaryen loading) now, without waiting: for a runtime that expects to compile soon. */
export function prestartCompiler(warmup?: () => ModuleDesc): void {
  shared ??= start(warmup);
}

function start(warmup: (() => ModuleDesc) | undefined): CompileWorker {
  return new CompileWorker(warmup === undefined ? null : { rounds: WARMUP_ROUNDS, desc: warmup() });
}

/** Whether this process started the compile worker (tests: a program that compiles nothing must not). */
export function compilerStarted(): boolean {
  return shared !== null;
}
