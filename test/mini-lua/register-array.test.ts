// mini-lua under the JIT: a table constructor of many values (`{table.unpack(a)}`)
// grows the frame's register array far past the proto's registers; the dispatch
// loop drops the consumed rest, so a later loop's trace carries only the
// proto's registers as virtualizable slots (it carried all 2000: a 340 KB
// trace and gigabytes of memory in sort.lua of the Lua testes).
import { expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CapturedOutput, setOutput } from '../../framework/host.js';
import { loadInterpreter } from '../../framework/loader.js';
import { eagerParams } from '../../framework/testing/index.js';
import { BACKENDS } from '../../jit/backends.js';

const entry = path.join(__dirname, '../../interpreters/mini-lua/main.ts');
const PROGRAM = `
local a = {}
for i = 1, 2000 do a[i] = i end
local x = {table.unpack(a)}
local s = 0
for i = 1, 1000 do s = s + i end
print(#x, x[2000], s)
`;

it('a loop after {table.unpack(a)} of 2000 values carries only the registers of its function', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlua-regs-'));
  const file = path.join(dir, 'prog.lua');
  fs.writeFileSync(file, PROGRAM);
  const interp = await loadInterpreter(entry, { backend: BACKENDS.ref({}), params: eagerParams({ threshold: 5 }), keepTraces: true });
  const cap = new CapturedOutput();
  const old = setOutput(cap);
  try {
    expect(interp.main([file])).toBe(0);
  } finally {
    setOutput(old);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(cap.out).toBe('2000\t2000\t500500\n');
  const loops = interp.runtimes.flatMap((r) => r.compiledTraces).filter((t) => t.kind === 'loop');
  expect(loops.length).toBeGreaterThanOrEqual(2);
  // The second loop runs after the constructor: its inputs are the reds and the frame's few registers.
  const last = loops[loops.length - 1].trace;
  expect(last.inputs.length).toBeLessThan(50);
});
