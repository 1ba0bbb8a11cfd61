// The `metajit` command end to end: spawns `node bin/metajit.js` on the built
// dist/ (compiled once in beforeAll) and checks output, exit codes and messages.
import { execSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PARAMS } from '../../jit/params.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/metajit.js');
const HELLO = path.join(ROOT, 'interpreters/bf/examples/hello.b');
const COUNTDOWN = path.join(ROOT, 'test/jit/fixtures/countdown.ts');

interface CliRun {
  readonly out: string;
  readonly err: string;
  readonly code: number | null;
}

function metajit(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

let tmp = '';

beforeAll(() => {
  // The CLI runs from dist/: build it once for this file.
  execSync('npx tsc -p tsconfig.json', { cwd: ROOT, stdio: 'pipe' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'metajit-cli-'));
}, 120000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('metajit run', () => {
  test('runs a bundled interpreter by name', () => {
    const r = metajit('run', 'bf', HELLO);
    expect(r).toEqual({ out: 'Hello, World!\n', err: '', code: 0 });
  });

  test('--jit=off prints the same', () => {
    expect(metajit('run', '--jit=off', 'bf', HELLO)).toEqual({ out: 'Hello, World!\n', err: '', code: 0 });
  });

  test('--jit-param threshold=5 and --jit-stats: compiled loops, counters on stderr', () => {
    const r = metajit('run', '--jit-stats', '--jit-param', 'threshold=5', 'bf', HELLO);
    expect(r.code).toBe(0);
    expect(r.out).toBe('Hello, World!\n');
    expect(r.err).toMatch(/^jit stats:\n/);
    for (const row of ['loops compiled', 'bridges compiled', 'traces aborted', 'guard failures', 'blackhole runs', 'invalidations']) {
      expect(r.err).toContain(row);
    }
    // With the low threshold, hello.b's loops get hot.
    expect(Number(/loops compiled\s+(\d+)/.exec(r.err)![1])).toBeGreaterThan(0);
  });

  test('--jit-log=FILE writes the compiled traces in trace text', () => {
    const log = path.join(tmp, 'jit.log');
    const r = metajit('run', `--jit-log=${log}`, '--jit-param=threshold=5', 'bf', HELLO);
    expect(r.code).toBe(0);
    expect(r.out).toBe('Hello, World!\n');
    const text = fs.readFileSync(log, 'utf8');
    // A header naming the loop and its guest location (bf's getPrintableLocation), then the ops.
    expect(text).toMatch(/^# loop .*: loop L0 at pc=\d+ /m);
    expect(text).toContain('label(');
    expect(text).toContain('debug_merge_point(');
    expect(text).toContain('jump(');
  });

  test('a bad --jit-param exits 2 and lists the parameters', () => {
    const r = metajit('run', '--jit-param', 'nope=5', 'bf', HELLO);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("unknown JIT parameter 'nope'");
    for (const name of Object.keys(PARAMS)) expect(r.err).toContain(name);
  });

  test('a malformed --jit-param exits 2', () => {
    const r = metajit('run', '--jit-param', 'threshold=lots', 'bf', HELLO);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--jit-param expects name=integer, got 'threshold=lots'");
  });

  test('an unknown interpreter name exits 2 with the bundled ones listed', () => {
    const r = metajit('run', 'nosuch', 'prog.txt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^metajit: unknown interpreter 'nosuch' \(bundled: [^)]*\bbf\b[^)]*\)/);
  });

  test('runs a user interpreter given by path, under the JIT', () => {
    const r = metajit('run', '--jit-stats', COUNTDOWN, '1000');
    expect(r.code).toBe(0);
    expect(r.out).toBe('0\n');
    expect(r.err).toMatch(/loops compiled\s+1\n/);
  });

  test('refuses an interpreter outside the TypeScript subset, with file:line:col and rule ids', () => {
    const file = path.join(tmp, 'bad.ts');
    fs.writeFileSync(file, [
      "import { hostWrite } from 'metajit';",
      '',
      'export function main(argv: readonly string[]): number {',
      '  const x: any = argv.length;',
      '  const inc = (y: number): number => y + 1;',
      '  hostWrite(`${inc(x)}\\n`);',
      '  return 0;',
      '}',
      '',
    ].join('\n'));
    const r = metajit('run', file);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('outside the supported TypeScript subset');
    const lines = r.err.split('\n').filter((l) => l.startsWith(file));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${escape(file)}:4:12: .*'any'.* \\[no-any\\]$`));
    expect(lines[1]).toMatch(new RegExp(`^${escape(file)}:5:15: .*closure.* \\[no-closures\\]$`));
  });

  test('a missing interpreter argument exits 2', () => {
    const r = metajit('run');
    expect(r.code).toBe(2);
    expect(r.err).toContain('which interpreter?');
  });
});

describe('metajit --help', () => {
  test('lists every flag and every JIT parameter', () => {
    const r = metajit('--help');
    expect(r.code).toBe(0);
    for (const flag of ['--jit=on|off', '--backend=', '--jit-log', '--jit-stats', '--jit-param']) expect(r.out).toContain(flag);
    for (const [name, row] of Object.entries(PARAMS)) expect(r.out).toMatch(new RegExp(`${name}\\s+${row.default}\\s+${escape(row.doc)}`));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
