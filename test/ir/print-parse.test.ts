import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DescrRegistry } from '../../jit/ir/descr.js';
import type { FieldDescr, GuardDescr } from '../../jit/ir/descr.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry, formatFloat, printTrace } from '../../jit/ir/print.js';
import { constOf } from '../../jit/ir/trace.js';
import type { Trace } from '../../jit/ir/trace.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { randomTrace } from '../support/random-trace.js';

const acc: FieldDescr = { kind: 'field', owner: 'Frame', name: 'acc', valueKind: 'f', immutable: false, quasiImmutable: false };

const EXAMPLE = `# trace: loop 1 at pc=3
[i0, f1, r2]
label(i0, f1, r2, descr=target:L1)
debug_merge_point(descr=loc:"pc=3 ADD")
f3 = float_add(f1, 1.5)
i4 = float_lt(f3, 100.0)
guard_true(i4, descr=guard:7) [f3, r2]
setfield(r2, f3, descr=Frame.acc)
jump(i0, f3, r2, descr=target:L1)
`;

function registry(): DescrRegistry {
  const r = new DescrRegistry();
  r.add(acc);
  return r;
}

/** The text of a one-op trace whose op is `line` over inputs [i0, f1, r2]. */
const oneOp = (line: string) => `[i0, f1, r2]\n${line}\n`;

describe('print and parse', () => {
  it('round-trips the example text exactly', () => {
    const descrs = registry();
    const t = parseTrace(EXAMPLE, descrs);
    expect(printTrace(t)).toBe(EXAMPLE);
    verifyTrace(t);
  });

  it('parses the example into the expected objects', () => {
    const descrs = registry();
    const t = parseTrace(EXAMPLE, descrs);
    expect(t.name).toBe('loop 1 at pc=3');
    expect(t.inputs).toEqual([{ tag: 'box', kind: 'i', id: 0 }, { tag: 'box', kind: 'f', id: 1 }, { tag: 'box', kind: 'r', id: 2 }]);
    const [label, dmp, add, , guard, set] = t.ops;
    expect(label.args[0]).toBe(t.inputs[0]); // boxes are shared objects, not copies
    expect(dmp.descr).toEqual({ kind: 'loc', text: 'pc=3 ADD' });
    expect(add.args[1]).toEqual(constOf('f', 1.5));
    expect(guard.failArgs).toEqual([add.result, t.inputs[2]]);
    expect(guard.descr).toBe(descrs.get('guard:7'));
    expect((guard.descr as GuardDescr).resume).toBe(null);
    expect(set.descr).toBe(acc);
    expect(set.result).toBe(null);
    expect(label.descr).toBe(t.ops[6].descr);
  });

  it('reuses descriptors made by an earlier parse with the same registry', () => {
    const descrs = registry();
    const a = parseTrace(EXAMPLE, descrs);
    const b = parseTrace(EXAMPLE, descrs);
    expect(b.ops[4].descr).toBe(a.ops[4].descr);
    expect(b.ops[0].descr).toBe(a.ops[0].descr);
  });

  it.each([
    [1, '1.0'], [-0, '-0.0'], [0, '0.0'], [1.5e300, '1.5e+300'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
    [5e-324, '5e-324'], [0.1, '0.1'], [-3, '-3.0'], [2 ** 53, '9007199254740992.0'], [1e21, '1e+21'],
  ])('formats the float %d as %s, and reads it back', (x, text) => {
    expect(formatFloat(x)).toBe(text);
    const t = parseTrace(oneOp(`f3 = float_add(f1, ${text})\nfinish(descr=exit:x)`), withExit());
    expect(t.ops[0].args[1]).toEqual(constOf('f', x));
  });

  it('prints and parses constants of every kind', () => {
    const consts = new ConstRegistry();
    class Thing {}
    const obj = new Thing();
    consts.add('thing', obj);
    const descrs = withExit();
    const values = [
      constOf('i', 5), constOf('i', -3), constOf('i', true), constOf('i', false), constOf('f', 2),
      constOf('r', null), constOf('r', undefined), constOf('r', 'a "q"\n,)]'), constOf('r', obj), constOf('r', Thing),
      constOf('r', 1.5), constOf('r', 3), constOf('r', false),
    ];
    const t: Trace = { name: 'consts', inputs: [], ops: [{ opcode: 'finish', args: values, result: null, descr: descrs.get('exit:x')!, failArgs: null }] };
    const text = printTrace(t, consts);
    expect(text).toBe('# trace: consts\n[]\nfinish(5, -3, true, false, 2.0, null, undefined, "a \\"q\\"\\n,)]", ConstPtr(thing), ConstPtr(Thing), ref(1.5), ref(3.0), ref(false), descr=exit:x)\n');
    expect(parseTrace(text, descrs, consts)).toEqual(t);
    expect(consts.get('Thing')).toBe(Thing); // named on first print
  });

  it('names unregistered objects ptrN and keeps the names stable', () => {
    const consts = new ConstRegistry();
    const a = {}, b = {};
    expect(consts.nameOf(a)).toBe('ptr0');
    expect(consts.nameOf(b)).toBe('ptr1');
    expect(consts.nameOf(a)).toBe('ptr0');
    expect(() => consts.add('ptr0', b)).toThrow('two objects are both named ptr0');
  });

  it('skips blank lines and comments, and allows a missing header', () => {
    const t = parseTrace('\n# just a comment\n[i0]\n\n  # another\nfinish(i0, descr=exit:x)\n', withExit());
    expect(t.name).toBe('');
    expect(t.ops).toHaveLength(1);
  });

  test.prop([randomTrace()], { numRuns: 300 })('parse(print(t)) equals t for random traces', ({ trace, descrs, consts }) => {
    verifyTrace(trace);
    const text = printTrace(trace, consts);
    const back = parseTrace(text, descrs, consts);
    expect(back).toEqual(trace);
    expect(printTrace(back, consts)).toBe(text);
  });
});

function withExit(): DescrRegistry {
  const r = registry();
  r.add({ kind: 'exit', name: 'x', greens: [] });
  return r;
}

describe('parse errors carry line:col', () => {
  const fails = (text: string, message: string) => expect(() => parseTrace(text, withExit())).toThrow(message);

  it('unknown op', () => fails(oneOp('i3 = int_frob(i0, 1)'), "unknown op 'int_frob' (2:6)"));
  it('wrong arity', () => fails(oneOp('i3 = int_add(i0)'), 'int_add takes 2 arguments, got 1 (2:6)'));
  it('unknown class descr', () => fails(oneOp('r3 = new(descr=class:P)'), 'unknown descr class:P (2:16)'));
  it('malformed loc descr', () => fails(oneOp('debug_merge_point(descr=loc:"a\\q")'), 'unknown descr loc:"a\\q" (2:25)'));
  it('unknown descr', () => fails(oneOp('f3 = getfield_f(r2, descr=Frame.pc)'), 'unknown descr Frame.pc (2:27)'));
  it('descr of the wrong kind', () => fails(oneOp('guard_true(i0, descr=Frame.acc) []'), 'guard_true needs a guard descriptor, Frame.acc is a field (2:22)'));
  it('missing descr', () => fails(oneOp('guard_true(i0) []'), 'guard_true needs a descr=guard descriptor (2:1)'));
  it('descr on an op without one', () => fails(oneOp('i3 = int_add(i0, 1, descr=guard:1)'), 'int_add takes no descriptor (2:27)'));
  it('box used before definition', () => fails(oneOp('i3 = int_add(i0, i7)'), 'box i7 used before its definition (2:18)'));
  it('box used in its own definition', () => fails(oneOp('i3 = int_add(i3, 1)'), 'box i3 used before its definition (2:14)'));
  it('box defined twice', () => fails(oneOp('i0 = int_add(i0, 1)'), 'box i0 is defined twice (2:1)'));
  it('box used at the wrong kind', () => fails(oneOp('i3 = int_add(f0, 1)'), 'box f0 was defined as i0 (2:14)'));
  it('result of the wrong kind', () => fails(oneOp('f3 = int_add(i0, 1)'), 'int_add needs a result box of kind i, not f3 (2:6)'));
  it('result on a void op', () => fails(oneOp('i3 = setfield(r2, f1, descr=Frame.acc)'), 'setfield has no result (2:6)'));
  it('bad value', () => fails(oneOp('i3 = int_add(i0, 1x)'), "bad value '1x' (2:18)"));
  it('unknown ConstPtr', () => fails(oneOp('guard_class(r2, ConstPtr(Foo), descr=guard:1) []'), 'unknown constant ConstPtr(Foo) (2:26)'));
  it('unterminated string', () => fails(oneOp('finish("abc, descr=exit:x)'), 'unterminated string (2:8)'));
  it('missing paren', () => fails(oneOp('i3 = int_add(i0, 1'), "expected ')' at end of line (2:19)"));
  it('trailing garbage', () => fails(oneOp('finish(descr=exit:x) junk'), "unexpected 'j' (2:22)"));
  it('no input list', () => fails('# trace: x\n', 'expected the input list [...] (2:1)'));
});
