// PyPy-style meta-interpreter test helpers (RPython's `meta_interp` +
// `check_resops`): load a small interpreter under the JIT, run its `main`, and
// look at what the JIT compiled.
//
//   const r = await metaInterp('countdown.ts', ['100']);
//   expect(r.out).toBe('0\n');
//   expectTraceCount(r, 1);
//   expectLoopOps(r, { float_sub: 1, guard_true: 1, new: 0 });
//
// Fixtures are interpreters in test/jit/fixtures/, given by file name (or by a
// path). Op counts are taken on the traces as the tracer recorded them
// (`compiledTraces[i].trace`, before any optimizer pass).

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { CapturedOutput, setOutput } from '../../framework/host.js';
import { loadInterpreter, type LoadedInterpreter } from '../../framework/loader.js';
import type { RunConfig } from '../../framework/testing/index.js';
import { BACKENDS } from '../../jit/backends.js';
import type { GuardDescr } from '../../jit/ir/descr.js';
import type { Opcode } from '../../jit/ir/ops.js';
import { printTrace } from '../../jit/ir/print.js';
import type { Op, Trace } from '../../jit/ir/trace.js';
import type { JitRuntime, TraceOptimizer } from '../../jit/jit-runtime.js';
import { JitLog } from '../../jit/log.js';
import { defaultParams, type ParamName } from '../../jit/params.js';
import { JitStats } from '../../jit/stats.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../jit/fixtures');

export interface MetaInterpOptions {
  /** JIT parameters over the defaults (threshold defaults to 3 here, not 200). */
  readonly params?: Partial<Record<ParamName, number>>;
  /** false: run the interpreter plain (the reference for differential checks). */
  readonly jit?: boolean;
  /** Backend name (BACKENDS); default `ref`. */
  readonly backend?: string;
  /** Testing: guards selected here fail even when their condition holds. */
  readonly forceGuardFailure?: (guard: GuardDescr) => boolean;
  /** Replaces the optimizer applied before the backend (default: the loader's pipeline). */
  readonly optimize?: TraceOptimizer;
}

export interface MetaInterpResult {
  readonly out: string;
  readonly err: string;
  /** The exit code of `main`, or `host exception: ...` if it threw. */
  readonly exit: number | string;
  /** The portal's runtime (null with the JIT off). */
  readonly runtime: JitRuntime | null;
  readonly stats: JitStats;
  /** Every compiled loop and bridge, in order. */
  readonly traces: readonly { readonly kind: 'loop' | 'bridge'; readonly trace: Trace }[];
  /** The JitLog text: every compiled trace and every abort. */
  readonly log: string;
}

/** The absolute path of a fixture interpreter (a bare file name means test/jit/fixtures/). */
export function fixturePath(fixture: string): string {
  return fixture.includes('/') ? path.resolve(fixture) : path.join(FIXTURES, fixture);
}

/** Loads (codewrites, cached) a fixture with the JIT on or off, without running it. */
export async function loadFixture(fixture: string, opts: MetaInterpOptions = {}): Promise<LoadedInterpreter & { readonly log: () => string }> {
  let log = '';
  const stats = new JitStats();
  const interp = await loadInterpreter(fixturePath(fixture), opts.jit === false ? null : {
    backend: BACKENDS[opts.backend ?? 'ref']({ forceGuardFailure: opts.forceGuardFailure }),
    params: { ...defaultParams(), threshold: 3, ...opts.params },
    log: new JitLog({ write: (t) => { log += t; } }),
    stats,
    keepTraces: true,
    ...(opts.optimize ? { optimize: opts.optimize } : {}),
  });
  return Object.assign(interp, { log: () => log });
}

/** Runs `main(argv)` of a fixture under the JIT (by default) and collects everything. */
export async function metaInterp(fixture: string, argv: readonly string[], opts: MetaInterpOptions = {}): Promise<MetaInterpResult> {
  const interp = await loadFixture(fixture, opts);
  const sink = new CapturedOutput();
  const old = setOutput(sink);
  let exit: number | string;
  try {
    exit = interp.main(argv);
  } catch (e) {
    exit = `host exception: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  } finally {
    setOutput(old);
  }
  const runtime = interp.runtimes[0] ?? null;
  return {
    out: sink.out,
    err: sink.err,
    exit,
    runtime,
    stats: interp.stats,
    traces: runtime ? [...runtime.compiledTraces] : [],
    log: interp.log(),
  };
}

/** Runs a fixture under one configuration of `metajit/testing`'s configurations(). */
export function metaInterpWith(fixture: string, argv: readonly string[], config: RunConfig): Promise<MetaInterpResult> {
  const jit = config.jit;
  if (jit === null) return metaInterp(fixture, argv, { jit: false });
  return metaInterp(fixture, argv, {
    backend: jit.backend,
    params: jit.params,
    ...(jit.forceGuardFailure ? { forceGuardFailure: () => true } : {}),
  });
}

const STRUCTURE: ReadonlySet<Opcode> = new Set<Opcode>(['label', 'jump', 'debug_merge_point']);

/** Op counts of a trace by opcode, without label, jump and debug_merge_point. */
export function loopOps(trace: Trace): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of trace.ops) {
    if (STRUCTURE.has(op.opcode)) continue;
    counts[op.opcode] = (counts[op.opcode] ?? 0) + 1;
  }
  return counts;
}

/** The ops of a trace with a given opcode. */
export function opsOf(trace: Trace, opcode: Opcode): Op[] {
  return trace.ops.filter((op) => op.opcode === opcode);
}

/** The compiled loops (not bridges) of a run. */
export function loops(result: MetaInterpResult): Trace[] {
  return result.traces.filter((t) => t.kind === 'loop').map((t) => t.trace);
}

/** The bridges of a run. */
export function bridges(result: MetaInterpResult): Trace[] {
  return result.traces.filter((t) => t.kind === 'bridge').map((t) => t.trace);
}

/** The only loop of a run (fails the test if there is not exactly one). */
export function theLoop(result: MetaInterpResult): Trace {
  const ls = loops(result);
  expect(ls.length, `expected one loop, got ${ls.length}:\n${dumpTraces(result)}`).toBe(1);
  return ls[0];
}

/** All traces of a run as trace text, for failure messages. */
export function dumpTraces(result: MetaInterpResult): string {
  return result.traces.map((t) => printTrace(t.trace)).join('\n');
}

/** `check_trace_count`: the number of compiled loops (bridges not counted). */
export function expectTraceCount(result: MetaInterpResult, n: number): void {
  expect(loops(result).length, `compiled loops:\n${dumpTraces(result)}`).toBe(n);
}

/**
 * `check_resops` on the only loop: each listed opcode occurs exactly that many
 * times (0 = absent). Opcodes not listed are not checked.
 */
export function expectLoopOps(result: MetaInterpResult, expected: Partial<Record<Opcode, number>>): void {
  expectOps(theLoop(result), expected);
}

/** Like expectLoopOps, on any trace. */
export function expectOps(trace: Trace, expected: Partial<Record<Opcode, number>>): void {
  const counts = loopOps(trace);
  const actual: Record<string, number> = {};
  for (const k of Object.keys(expected)) actual[k] = counts[k] ?? 0;
  expect(actual, `op counts of\n${printTrace(trace)}`).toEqual(expected);
}

/** Exactly these ops and no others (label, jump and debug_merge_point aside). */
export function expectExactOps(trace: Trace, expected: Partial<Record<Opcode, number>>): void {
  expect(loopOps(trace), `op counts of\n${printTrace(trace)}`).toEqual(expected);
}
