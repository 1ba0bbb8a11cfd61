// The mini-lua corpus again, under the JIT on every backend (eager thresholds so
// even short loops compile), normally and with every guard forced to fail: the
// output must be exactly PUC Lua's, as with the JIT off (corpus.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CapturedOutput, setOutput } from '../../framework/host.js';
import { loadInterpreter, type LoadedInterpreter } from '../../framework/loader.js';
import { eagerParams } from '../../framework/testing/index.js';
import { BACKEND_NAMES, BACKENDS } from '../../jit/backends.js';
import { JitStats } from '../../jit/stats.js';

const dir = path.join(__dirname, '../../interpreters/mini-lua/tests');
const entry = path.join(__dirname, '../../interpreters/mini-lua/main.ts');
const origCwd = process.cwd();
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.lua') && !f.startsWith('mod_')).sort();
// Long loops whose every iteration leaves compiled code when all guards fail, or
// (table_hash) so many paths that forcing traces a thousand bridges: too slow to force.
const TOO_SLOW_TO_FORCE = new Set(['bigloop', 'weak_tables', 'table_hash']);

for (const [backendName, forced] of BACKEND_NAMES.flatMap((b) => [[b, false], [b, true]] as const)) {
  describe(`mini-lua corpus (JIT on ${backendName}${forced ? ', every guard forced to fail' : ''})`, () => {
    const stats = new JitStats();
    let interp: LoadedInterpreter;
    beforeAll(async () => {
      interp = await loadInterpreter(entry, {
        backend: BACKENDS[backendName]({ forceGuardFailure: forced ? () => true : undefined }),
        params: eagerParams({ threshold: 5 }),
        stats,
        verifyPasses: true,
      });
      process.chdir(dir);
    });
    afterAll(() => {
      process.chdir(origCwd);
      // The corpus has loops: the JIT must really have run compiled code.
      expect(stats.loops).toBeGreaterThan(forced ? 3 : 10);
    });
    for (const file of files) {
      const name = file.slice(0, -4);
      if (fs.existsSync(path.join(dir, name + '.stdin'))) continue;
      if (forced && TOO_SLOW_TO_FORCE.has(name)) continue;
      // Forcing, a program with many paths traces hundreds of bridges (arith_consts:
      // 370, ~20 s on a quiet machine).
      it(name, () => {
        const cap = new CapturedOutput();
        const old = setOutput(cap);
        let code: number;
        try {
          code = interp.main([file, 'arg1', 'arg2']);
        } finally {
          setOutput(old);
        }
        expect(cap.out).toBe(fs.readFileSync(path.join(dir, name + '.expected'), 'utf8'));
        const errFile = path.join(dir, name + '.err');
        if (fs.existsSync(errFile)) {
          const lines = fs.readFileSync(errFile, 'utf8').split('\n');
          expect('exit ' + code).toBe(lines[0]);
          expect(cap.err.split('\n')[0]).toBe(lines[1]);
        } else {
          expect(cap.err).toBe('');
          expect(code).toBe(0);
        }
      }, forced ? 180_000 : 60_000);
    }
  });
}
