// Runs every program of interpreters/mini-lua/tests/ with mini-lua (JIT off) and
// compares with the outputs PUC Lua 5.4 produced (tools/bless.sh).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setOutput, CapturedOutput } from '../../framework/host.js';
import { main } from '../../interpreters/mini-lua/main.js';

const dir = path.join(__dirname, '../../interpreters/mini-lua/tests');
const origCwd = process.cwd();
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.lua') && !f.startsWith('mod_')).sort();

function run(file: string): { out: string; err: string; code: number } {
  const cap = new CapturedOutput();
  const old = setOutput(cap);
  let code: number;
  try {
    code = main([file, 'arg1', 'arg2']);
  } finally {
    setOutput(old);
  }
  return { out: cap.out, err: cap.err, code };
}

describe('mini-lua corpus (JIT off)', () => {
  // scripts run from their own folder, like `cd tests && lua NAME.lua` (dofile, require, io)
  beforeAll(() => process.chdir(dir));
  afterAll(() => process.chdir(origCwd));
  for (const file of files) {
    const name = file.slice(0, -4);
    if (fs.existsSync(path.join(dir, name + '.stdin'))) continue;
    it(name, () => {
      const expected = fs.readFileSync(path.join(dir, name + '.expected'), 'utf8');
      const errFile = path.join(dir, name + '.err');
      const r = run(file);
      expect(r.out).toBe(expected);
      if (fs.existsSync(errFile)) {
        const lines = fs.readFileSync(errFile, 'utf8').split('\n');
        expect('exit ' + r.code).toBe(lines[0]);
        expect(r.err.split('\n')[0]).toBe(lines[1]);
      } else {
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
      }
    });
  }
});
