// `npm run bench`: times benchmark programs under every configuration in one run
// and prints medians, ratios against PUC Lua 5.4 (Lua programs) or against the
// JIT off (the small interpreters), and geometric means.
//
//   npm run bench -- [--runs=N] [--only=substring] [--timeout=SECONDS] [--configs=a,b]
//
// Each measurement is the wall time of a fresh process (this machine is shared
// and noisy: the median of several runs is reported). A configuration whose
// output differs from the reference is reported as WRONG, not timed.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_NAMES } from '../jit/backends.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const metajit = path.join(root, 'bin', 'metajit.js');

interface Config {
  readonly name: string;
  readonly command: (program: string) => string[];
}

interface Suite {
  readonly name: string;
  /** The bundled interpreter the programs run on (its build is cached before timing). */
  readonly interpreter: string;
  readonly programs: string[];
  readonly configs: Config[];
  /** The configuration ratios are taken against. */
  readonly baseline: string;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function jitConfigs(interpreter: string): Config[] {
  const out: Config[] = [{ name: 'jit off', command: (p) => ['node', metajit, 'run', '--jit=off', interpreter, p] }];
  for (const b of BACKEND_NAMES) out.push({ name: `jit ${b}`, command: (p) => ['node', metajit, 'run', `--backend=${b}`, interpreter, p] });
  return out;
}

function programs(dir: string, ext: string): string[] {
  const d = path.join(root, dir);
  return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith(ext)).sort().map((f) => path.join(d, f)) : [];
}

function suites(): Suite[] {
  const lua: Config[] = [];
  if (have('lua5.4')) lua.push({ name: 'lua5.4', command: (p) => ['lua5.4', p] });
  if (have('luajit')) lua.push({ name: 'luajit', command: (p) => ['luajit', p] });
  return [
    { name: 'lua', interpreter: 'mini-lua', programs: programs('bench/lua', '.lua'), configs: [...lua, ...jitConfigs('mini-lua')], baseline: lua.length ? 'lua5.4' : 'jit off' },
    // The small interpreters' loop-heavy programs (bench/bf, bench/regvm; calls.rvm and
    // fib.rvm are call-heavy: every guest call is a call of the portal).
    { name: 'bf', interpreter: 'bf', programs: [path.join(root, 'interpreters/bf/examples/letters.b'), ...programs('bench/bf', '.b')], configs: jitConfigs('bf'), baseline: 'jit off' },
    { name: 'regvm', interpreter: 'regvm', programs: programs('bench/regvm', '.rvm'), configs: jitConfigs('regvm'), baseline: 'jit off' },
  ];
}

interface Options {
  runs: number;
  only: string | null;
  timeoutSec: number;
  configs: string[] | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 3, only: null, timeoutSec: 120, configs: null };
  for (const a of argv) {
    const [k, v] = a.split('=');
    if (k === '--runs') o.runs = Number(v);
    else if (k === '--only') o.only = v;
    else if (k === '--timeout') o.timeoutSec = Number(v);
    else if (k === '--configs') o.configs = v.split(',');
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

type Result = { ms: number; out: string } | { error: string };

function runOnce(cmd: string[], timeoutSec: number): Result {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: timeoutSec * 1000, maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) return { error: (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? 'timeout' : r.error.message };
  if (r.status !== 0) return { error: `exit ${r.status}: ${(r.stderr ?? '').split('\n')[0]}` };
  return { ms, out: r.stdout };
}

/**
 * The first run after a change of the interpreter or the framework codewrites the
 * interpreter (seconds); run it once on an empty program so no timed run does.
 */
function warmBuildCache(interpreter: string): void {
  const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'metajit-bench-')), 'empty');
  fs.writeFileSync(empty, '');
  spawnSync('node', [metajit, 'run', '--jit=off', interpreter, empty], { stdio: 'ignore' });
  fs.rmSync(path.dirname(empty), { recursive: true, force: true });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  console.log(`metajit benchmarks — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown cpu'} x${os.cpus().length}, node ${process.version}, median of ${opts.runs} runs`);
  for (const suite of suites()) {
    const configs = suite.configs.filter((c) => !opts.configs || opts.configs.includes(c.name) || c.name === suite.baseline);
    const progs = suite.programs.filter((p) => !opts.only || p.includes(opts.only));
    if (progs.length === 0) continue;
    warmBuildCache(suite.interpreter);
    console.log(`\n== ${suite.name} (ratio = time / ${suite.baseline}'s time; lower is better)`);
    console.log(['program'.padEnd(18), ...configs.map((c) => c.name.padStart(16))].join(''));
    const ratios = new Map<string, number[]>(configs.map((c) => [c.name, []]));
    for (const prog of progs) {
      const cells: string[] = [];
      const times = new Map<string, number | string>();
      let reference: string | null = null;
      for (const c of configs) {
        const samples: number[] = [];
        let failure: string | null = null;
        for (let i = 0; i < opts.runs && failure === null; i++) {
          const r = runOnce(c.command(prog), opts.timeoutSec);
          if ('error' in r) failure = r.error;
          else {
            if (reference === null) reference = r.out;
            else if (r.out !== reference) failure = 'WRONG output';
            samples.push(r.ms);
          }
        }
        times.set(c.name, failure ?? median(samples));
      }
      const base = times.get(suite.baseline);
      for (const c of configs) {
        const t = times.get(c.name)!;
        if (typeof t === 'string') {
          cells.push(t.slice(0, 15).padStart(16));
          continue;
        }
        const ratio = typeof base === 'number' ? t / base : NaN;
        if (Number.isFinite(ratio)) ratios.get(c.name)!.push(ratio);
        cells.push(`${(t / 1000).toFixed(2)}s ${Number.isFinite(ratio) ? `(${ratio.toFixed(2)}x)` : ''}`.padStart(16));
      }
      console.log([path.basename(prog).padEnd(18), ...cells].join(''));
    }
    const geo = configs.map((c) => {
      const r = ratios.get(c.name)!;
      return r.length === 0 ? '-'.padStart(16) : `${Math.exp(r.reduce((a, x) => a + Math.log(x), 0) / r.length).toFixed(2)}x`.padStart(16);
    });
    console.log(['geometric mean'.padEnd(18), ...geo].join(''));
  }
}

main();
