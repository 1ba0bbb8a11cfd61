// The mini-lua corpus under the JIT on the wasm backend (eager thresholds so
// even short loops compile), normally and with every guard forced to fail:
// the output must be exactly PUC Lua's, as with the JIT off (corpus.test.ts)
// and on the reference backend (corpus-jit.test.ts). About 6 s: the forced run
// compiles over 800 bridges. WASM_CORPUS=0 skips it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CapturedOutput, setOutput } from '../../framework/host.js';
import { loadInterpreter, type LoadedInterpreter } from '../../framework/loader.js';
import { eagerParams } from '../../framework/testing/index.js';
import { JitStats } from '../../jit/stats.js';
import { WasmBackend } from '../../wasm-backend/wasm-backend.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, '../../interpreters/mini-lua/tests');
const entry = path.join(here, '../../interpreters/mini-lua/main.ts');
const origCwd = process.cwd();
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.lua') && !f.startsWith('mod_')).sort() : [];
const TOO_SLOW_TO_FORCE = new Set(['bigloop']);
const enabled = process.env.WASM_CORPUS !== '0';

for (const forced of [false, true]) {
  describe.skipIf(!enabled)(`mini-lua corpus (JIT on wasm${forced ? ', every guard forced to fail' : ''})`, () => {
    const stats = new JitStats();
    let backend: WasmBackend;
    let interp: LoadedInterpreter;
    beforeAll(async () => {
      backend = new WasmBackend({ forceGuardFailure: forced ? () => true : undefined });
      interp = await loadInterpreter(entry, { backend, params: eagerParams({ threshold: 5 }), stats, verifyPasses: true });
      process.chdir(dir);
    });
    afterAll(() => {
      process.chdir(origCwd);
      expect(stats.loops).toBeGreaterThan(forced ? 3 : 10);
    });
    for (const file of files) {
      const name = file.slice(0, -4);
      if (fs.existsSync(path.join(dir, name + '.stdin'))) continue;
      if (forced && TOO_SLOW_TO_FORCE.has(name)) continue;
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
      });
    }
  });
}
