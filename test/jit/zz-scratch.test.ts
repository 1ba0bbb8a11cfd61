import { test } from 'vitest';
import { metaInterp, dumpTraces, loopOps } from '../support/meta-interp.js';
test('scratch', async () => {
  const r = await metaInterp(process.env.FIX ?? 'countdown.ts', (process.env.ARGS ?? '100').split(' '), { params: JSON.parse(process.env.PARAMS ?? '{}') });
  console.log(r.out, r.err, r.exit);
  console.log(dumpTraces(r));
  console.log(r.stats.format());
  console.log(r.log.split('\n').filter(l => l.startsWith('# trace aborted')).join('\n'));
});
