// The phis pass (jit/opt/phis.ts): a peeled loop's phi that the loop passes back
// unchanged is the value the loop was entered with.
import { describe, it } from 'vitest';
import { phisPass } from '../../jit/opt/phis.js';
import { expectOptimized, heapRegistries } from '../support/opt-support.js';

const { descrs, consts } = heapRegistries();
const opt = (before: string, after: string) => expectOptimized(phisPass, descrs, consts, before, after);

describe('phis', () => {
  it('a phi passed back unchanged becomes the entry value, in args and failArgs; the others stay', () => opt(`
[f0, i1]
label(f0, i1, descr=target:L)
f2 = float_add(f0, 1.0)
jump(f2, i1, descr=target:L.loop)
label(f3, i4, descr=target:L.loop)
f5 = float_mul(f3, 2.0)
i6 = int_add(i4, 1)
i7 = int_lt(i6, 10)
guard_true(i7, descr=guard:1) [f3, i6]
jump(f3, i6, descr=target:L.loop)
`, `
[f0, i1]
label(f0, i1, descr=target:L)
f2 = float_add(f0, 1.0)
jump(i1, descr=target:L.loop)
label(i4, descr=target:L.loop)
f5 = float_mul(f2, 2.0)
i6 = int_add(i4, 1)
i7 = int_lt(i6, 10)
guard_true(i7, descr=guard:1) [f2, i6]
jump(i6, descr=target:L.loop)
`));

  it('a phi passed back as another phi is left alone, and so is a loop without a second label', () => {
    const swapped = `
[i0, i1]
label(i0, i1, descr=target:L)
jump(i0, i1, descr=target:L.loop)
label(i2, i3, descr=target:L.loop)
i4 = int_add(i2, i3)
jump(i3, i2, descr=target:L.loop)
`;
    opt(swapped, swapped);
    const single = `
[i0]
label(i0, descr=target:L)
i1 = int_add(i0, 1)
jump(i0, descr=target:L)
`;
    opt(single, single);
  });
});
