// The loader's build cache (framework/loader.ts): what a build holds and where.
import { describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterpreterProgram } from '../../framework/codewriter/program.js';
import { CapturedOutput, setOutput } from '../../framework/host.js';
import { loadInterpreter } from '../../framework/loader.js';
import { packageRoot } from '../../framework/package-root.js';

const fixtures = path.join(__dirname, 'fixtures');

/** Every file under `dir` whose name is `name`. */
function findAll(dir: string, name: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findAll(p, name));
    else if (e.name === name) out.push(p);
  }
  return out;
}

describe('interpreter builds', () => {
  test("hold the interpreter's modules only, not the framework sources it reaches through 'metajit'", () => {
    const program = createInterpreterProgram(path.join(fixtures, 'countdown.ts'));
    expect(program.files.map((sf) => path.basename(sf.fileName))).toEqual(['countdown.ts']);
  });

  test('emit a module from above the entry inside the build directory, where its importer finds it', async () => {
    const interp = await loadInterpreter(path.join(fixtures, 'climb/entry/main.ts'), null);
    const cap = new CapturedOutput();
    const old = setOutput(cap);
    try {
      expect(interp.main([])).toBe(0);
    } finally {
      setOutput(old);
    }
    expect(cap.out).toBe('42\n');
    // Builds of one interpreter (and of others) share the cache: a module emitted
    // outside its build would be overwritten by another build's copy.
    const cache = path.join(packageRoot(), '.metajit-cache');
    const emitted = findAll(cache, 'lib.js').filter((f) => fs.readFileSync(f, 'utf8').includes('answerFromParentDir'));
    expect(emitted.length).toBeGreaterThan(0);
    // <cache>/<interpreter>/<build>/js/...
    for (const f of emitted) expect(path.relative(cache, f).split(path.sep)[2], f).toBe('js');
  });
});
