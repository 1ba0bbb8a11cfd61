// Random Lua programs (fast-check) run by PUC Lua 5.4 and by mini-lua: outputs must match.
// Skipped when lua5.4 is not installed.
import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setOutput, CapturedOutput } from '../../framework/host.js';
import { main } from '../../interpreters/mini-lua/main.js';

function hasLua(): boolean {
  try {
    execFileSync('lua5.4', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const leaf = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom('0.5', '1.0', '-2.5', '3e2', '0x10', 'math.maxinteger', 'math.mininteger', '2^53', '"7"', '"1.5"', 'x', 'y', 'z'),
);
const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '//', '%', '^', '..', '&', '|', '~', '<<', '>>', '==', '<', '<=', 'and', 'or'), tie('e'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('e').map((a) => `(- ${a})`),
    tie('e').map((a) => `(not ${a})`),
    tie('e').map((a) => `tostring(${a})`),
    tie('e').map((a) => `math.type(${a})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(function(p, q) local r = p; for i = 1, 3 do r = r .. q end return r end)(${a}, ${b})`),
  ),
})).e as fc.Arbitrary<string>;

const stmt = expr.map((e) => `print(pcall(function() return ${e} end))`);
const program = fc.array(stmt, { minLength: 1, maxLength: 8 }).map(
  (ss) => 'local x, y, z = 3, -4.25, "10"\n' + ss.join('\n') + '\n',
);

function runMini(file: string): string {
  const cap = new CapturedOutput();
  const old = setOutput(cap);
  try {
    main([file]);
  } finally {
    setOutput(old);
  }
  return cap.out;
}

describe.skipIf(!hasLua())('mini-lua vs lua5.4 on random programs', () => {
  it('prints the same', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlua-'));
    const file = path.join(dir, 'p.lua');
    fc.assert(
      fc.property(program, (src) => {
        fs.writeFileSync(file, src);
        let expected: string;
        try {
          expected = execFileSync('lua5.4', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        } catch (e) {
          expected = String((e as { stdout?: string }).stdout ?? '');
        }
        const got = runMini(file);
        // error messages carry the file path; both use the same one
        expect(got).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });
});
