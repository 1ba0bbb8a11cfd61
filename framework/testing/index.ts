// metajit/testing: property-test an interpreter's traces.
//
//   await checkTraces({
//     interpreter: 'interpreters/bf/main.ts',
//     programs: myProgramArbitrary(),   // fast-check arbitrary of guest program texts
//     fileName: 'prog.b',
//   });
//
// Each generated program runs with the JIT off (the reference), then on every
// backend, normally and with every guard forced to fail (resume data and the
// blackhole must make that invisible). Output, error output and exit code must
// agree. A failure reports fast-check's shrunk program, the configuration that
// diverged, both results, and the traces that configuration compiled.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { BACKEND_NAMES, BACKENDS } from '../../jit/backends.js';
import { JitLog } from '../../jit/log.js';
import { defaultParams, type JitParams, type ParamName } from '../../jit/params.js';
import { JitStats } from '../../jit/stats.js';
import { CapturedOutput, setOutput } from '../host.js';
import { loadInterpreter } from '../loader.js';

export interface RunConfig {
  readonly name: string;
  /** null: the JIT is off. */
  readonly jit: { readonly backend: string; readonly forceGuardFailure: boolean; readonly params: JitParams } | null;
}

export interface GuestRun {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code, or the host exception if the interpreter crashed. */
  readonly exit: number | string;
  /** Every compiled trace and abort, in trace text. */
  readonly log: string;
  readonly stats: JitStats;
}

/** Parameters that make small programs trace, bridge and exit a lot. */
export function eagerParams(overrides: Partial<Record<ParamName, number>> = {}): JitParams {
  return { ...defaultParams(), threshold: 3, bridge_threshold: 2, ...overrides };
}

/** JIT off, then each backend normally and with all guards forced to fail. */
export function configurations(params: JitParams = eagerParams(), backends: readonly string[] = BACKEND_NAMES): RunConfig[] {
  const out: RunConfig[] = [{ name: 'jit off', jit: null }];
  for (const backend of backends) {
    out.push({ name: `jit on (${backend})`, jit: { backend, forceGuardFailure: false, params } });
    out.push({ name: `jit on (${backend}, every guard fails)`, jit: { backend, forceGuardFailure: true, params } });
  }
  return out;
}

/** Runs one guest program under one configuration, capturing everything it prints. */
export async function runGuest(interpreter: string, program: string, config: RunConfig, fileName = 'program.txt', args: readonly string[] = []): Promise<GuestRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metajit-guest-'));
  const file = path.join(dir, fileName);
  fs.writeFileSync(file, program);
  let log = '';
  const stats = new JitStats();
  const jit = config.jit;
  const interp = await loadInterpreter(interpreter, jit === null ? null : {
    backend: BACKENDS[jit.backend]({ forceGuardFailure: jit.forceGuardFailure ? () => true : undefined }),
    params: jit.params,
    log: new JitLog({ write: (t) => { log += t; } }),
    stats,
    verifyPasses: true,
  });
  const out = new CapturedOutput();
  const old = setOutput(out);
  let exit: number | string;
  try {
    exit = interp.main([file, ...args]);
  } catch (e) {
    exit = `host exception: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  } finally {
    setOutput(old);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { stdout: out.out, stderr: out.err.split(dir + path.sep).join(''), exit, log, stats };
}

export interface CheckTracesOptions {
  readonly interpreter: string;
  readonly programs: fc.Arbitrary<string>;
  readonly fileName?: string;
  readonly args?: readonly string[];
  readonly numRuns?: number;
  readonly seed?: number;
  readonly configurations?: readonly RunConfig[];
  /** Called after every run (for example to check that traces were compiled at all). */
  readonly onRun?: (config: RunConfig, run: GuestRun) => void;
}

function describe(r: GuestRun): string {
  return `exit ${JSON.stringify(r.exit)}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Throws (with a shrunk counterexample and the diverging traces) if any configuration disagrees. */
export async function checkTraces(options: CheckTracesOptions): Promise<void> {
  const configs = options.configurations ?? configurations();
  const [reference, ...others] = configs;
  await fc.assert(
    fc.asyncProperty(options.programs, async (program) => {
      const expected = await runGuest(options.interpreter, program, reference, options.fileName, options.args);
      options.onRun?.(reference, expected);
      for (const config of others) {
        const actual = await runGuest(options.interpreter, program, config, options.fileName, options.args);
        options.onRun?.(config, actual);
        if (actual.stdout !== expected.stdout || actual.stderr !== expected.stderr || actual.exit !== expected.exit) {
          throw new Error(
            `${config.name} differs from ${reference.name}\n` +
            `=== ${reference.name} ===\n${describe(expected)}\n=== ${config.name} ===\n${describe(actual)}\n` +
            `=== traces of ${config.name} ===\n${actual.log}`,
          );
        }
      }
    }),
    { numRuns: options.numRuns ?? 100, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
  );
}
