// metajit's command line: `metajit run <interpreter> <program> [args...]`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InterpreterRejected } from '../framework/rejected.js';
import { packageRoot } from '../framework/package-root.js';
import { flushOutput } from '../framework/host.js';
import { loadInterpreter, type JitConfig } from '../framework/loader.js';
import type { JitLog } from '../jit/log.js';
import type { Backend } from '../jit/backend.js';
import { applyParam, defaultParams, paramsHelp } from '../jit/params.js';
import { JitStats } from '../jit/stats.js';

// The backends, the optimizer and the trace log are imported only when a run (or the
// help text) needs them: a plain run does not pay for loading the JIT.
const loadBackends = () => import('../jit/backends.js');
const loadPipeline = () => import('../jit/opt/pipeline.js');

async function usage(): Promise<string> {
  const [{ BACKENDS }, { PASS_NAMES }] = await Promise.all([loadBackends(), loadPipeline()]);
  return `usage: metajit run [options] <interpreter> [program] [args...]

<interpreter> is the name of a bundled interpreter (${bundledInterpreters().join(', ')})
or the path of an interpreter's entry file (a .ts module exporting main(argv)).

options:
  --jit=on|off            trace and compile hot loops (default on)
  --backend=NAME          where compiled traces run: ${Object.keys(BACKENDS).join(', ')} (default wasm;
                          ref executes trace IR directly and is the oracle for tests)
  --jit-log[=FILE]        write every compiled trace and bridge (recorded and optimized, and the
                          WebAssembly text on the wasm backend) and every abort, to FILE (default stderr)
  --jit-stats             print JIT counters and times to stderr at exit
  --jit-opt=LIST          switch optimizer passes off (-name) or back on (+name), comma-separated;
                          passes in order: ${PASS_NAMES.join(', ') || '(none yet)'}
  --jit-param NAME=VALUE  set a JIT parameter (repeatable):
${paramsHelp()}
`;
}

function bundledInterpreters(): string[] {
  const dir = path.join(packageRoot(), 'interpreters');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'main.ts'))) : [];
}

function resolveInterpreter(name: string): string {
  if (name.endsWith('.ts') || name.includes('/')) return path.resolve(name);
  const bundled = path.join(packageRoot(), 'interpreters', name, 'main.ts');
  if (fs.existsSync(bundled)) return bundled;
  throw new UsageError(`unknown interpreter '${name}' (bundled: ${bundledInterpreters().join(', ')}; or give a path to a .ts file)`);
}

class UsageError extends Error {}

interface RunOptions {
  jit: boolean;
  backend: string;
  log: string | null; // '' = stderr
  stats: boolean;
  params: string[];
  /** The --jit-opt list, parsed when the run starts. */
  opt: string | null;
}

function parseRunArgs(args: string[]): { options: RunOptions; rest: string[] } {
  const options: RunOptions = { jit: true, backend: 'wasm', log: null, stats: false, params: [], opt: null };
  let i = 0;
  for (; i < args.length && args[i].startsWith('--'); i++) {
    const a = args[i];
    const [flag, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, null];
    switch (flag) {
      case '--jit':
        if (value !== 'on' && value !== 'off') throw new UsageError('--jit takes on or off');
        options.jit = value === 'on';
        break;
      case '--backend':
        options.backend = value ?? ''; // checked by run()
        break;
      case '--jit-log': options.log = value ?? ''; break;
      case '--jit-stats': options.stats = true; break;
      case '--jit-opt': options.opt = value ?? ''; break;
      case '--jit-param': {
        const v = value ?? args[++i];
        if (v === undefined) throw new UsageError('--jit-param needs NAME=VALUE');
        options.params.push(v);
        break;
      }
      default: throw new UsageError(`unknown option ${a}`);
    }
  }
  return { options, rest: args.slice(i) };
}

async function run(args: string[]): Promise<number> {
  const { options, rest } = parseRunArgs(args);
  if (rest.length === 0) throw new UsageError('metajit run: which interpreter?');
  const entry = resolveInterpreter(rest[0]);
  const params = defaultParams();
  for (const p of options.params) {
    try {
      applyParam(params, p);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const stats = new JitStats();
  let disabledPasses = new Set<string>();
  if (options.opt !== null) {
    const { parseOptFlag } = await loadPipeline();
    try {
      disabledPasses = parseOptFlag(options.opt);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  let logFd: number | null = null;
  let log: JitLog | null = null;
  if (options.log !== null) {
    const { JitLog } = await import('../jit/log.js');
    logFd = options.log === '' ? 2 : fs.openSync(options.log, 'w');
    const fd = logFd;
    log = new JitLog({ write: (t) => fs.writeSync(fd, t) });
  }
  let backend: Backend | null = null;
  if (options.jit || options.backend !== 'wasm') {
    const { BACKENDS } = await loadBackends();
    if (!(options.backend in BACKENDS)) throw new UsageError(`--backend takes one of: ${Object.keys(BACKENDS).join(', ')}`);
    const jitLog = log;
    backend = BACKENDS[options.backend](jitLog ? { log: (t) => jitLog.note(`backend code:\n${t}`) } : {});
  }
  const jit: JitConfig | null = options.jit && backend !== null ? { backend, params, log, stats, disabledPasses } : null;
  try {
    const interp = await loadInterpreter(entry, jit);
    return interp.main(rest.slice(1));
  } finally {
    flushOutput();
    if (options.stats) process.stderr.write(stats.format() + (options.jit && backend?.statsText ? backend.statsText() : ''));
    if (logFd !== null && logFd !== 2) fs.closeSync(logFd);
  }
}

export async function runCli(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'run': return await run(args);
      case undefined: case 'help': case '--help': case '-h':
        process.stdout.write(await usage());
        return cmd === undefined ? 2 : 0;
      case '--version': {
        const pj = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
        process.stdout.write(`metajit ${pj.version}\n`);
        return 0;
      }
      default: throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`metajit: ${e.message}\n\n${await usage()}`);
      return 2;
    }
    if (e instanceof InterpreterRejected) {
      process.stderr.write(`metajit: the interpreter is outside the supported TypeScript subset:\n${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
