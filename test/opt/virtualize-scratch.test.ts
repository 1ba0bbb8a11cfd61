import { it } from 'vitest';
import { loadInterpreter } from '../../framework/loader.js';
import { eagerParams } from '../../framework/testing/index.js';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import { printTrace } from '../../jit/ir/print.js';
import { CapturedOutput, setOutput } from '../../framework/host.js';

it('dump', async () => {
  const interp = await loadInterpreter('interpreters/regvm/main.ts', { backend: new RefBackend({}), params: eagerParams({ threshold: 50 }) });
  const out = new CapturedOutput();
  const old = setOutput(out);
  const t0 = Date.now();
  try { interp.main([process.env.PROG ?? 'interpreters/regvm/examples/sum.rvm']); } finally { setOutput(old); }
  console.log(out.out, out.err, Date.now() - t0);
  for (const rt of interp.runtimes) for (const c of rt.compiledTraces) console.log(c.kind, printTrace(c.trace), printTrace(c.optimized));
});
