import { test, expect } from 'vitest';
import { metaInterp, dumpTraces } from '../support/meta-interp.js';
test('scratch', async () => {
  for (const p of [{}, {bridge_threshold: 2}]) {
  for (const args of [['100', '7'], ['100', '3'], ['300', '2']]) {
    const r = await metaInterp('zz-qi.ts', args, { params: p });
    const plain = await metaInterp('zz-qi.ts', args, { jit: false });
    console.log(JSON.stringify(p), args, r.out, plain.out, r.exit, r.stats.format());
    if (r.out !== plain.out) console.log(dumpTraces(r));
  }}
});
