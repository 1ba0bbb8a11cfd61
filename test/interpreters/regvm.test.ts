// The regvm interpreter in plain mode: examples, guest errors with positions,
// and random terminating programs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { programArbitrary } from '../../interpreters/regvm/arbitrary.js';
import { INSNS, OP_CALL, OP_END, OP_EQ, OP_WRITE } from '../../interpreters/regvm/code.js';
import { main } from '../../interpreters/regvm/main.js';
import { examplePath, runFile, runSource } from './run-guest.js';

function run(source: string, args: readonly string[] = []) {
  return runSource(main, source, 'rvm', args);
}

describe('regvm examples', () => {
  const cases: [string, string][] = [
    ['sum.rvm', '12499997500000\n'],
    ['fib.rvm', '75025\n'],
    ['calls.rvm', 'sum of i*i mod 1000: 461500000\n'],
    ['float.rvm', 'pi ~ 3.141592153589724\n'],
    ['strings.rvm', 'ababab\n1\n1\n3\n3.5\n0\ntab\there, quote " and semicolon ; inside\n'],
  ];
  for (const [name, out] of cases) {
    it(name, () => {
      expect(runFile(main, examplePath('regvm', name))).toEqual(expect.objectContaining({ rc: 0, out, err: '' }));
    });
  }
});

describe('regvm semantics', () => {
  it('guest arguments become the parameters of main', () => {
    const src = 'func main 3\n  add r3 r0 r1\n  print r3\n  print r2\n';
    expect(run(src, ['2', '3.5', 'word'])).toMatchObject({ rc: 0, out: '5.5\nword\n' });
  });

  it('ints and floats mix; floats print with a fraction', () => {
    const src = [
      'func main 0',
      '  const r0 -7',
      '  const r1 2',
      '  div r2 r0 r1',
      '  print r2      ; -3: truncating',
      '  mod r2 r0 r1',
      '  print r2      ; -1: sign of the dividend',
      '  const r1 2.0',
      '  mul r2 r1 r1',
      '  print r2      ; 4.0',
      '  const r3 0.0',
      '  div r2 r1 r3',
      '  print r2      ; Infinity: float division by zero is IEEE',
      '  const r4 4',
      '  eq r5 r2 r2',
      '  eq r5 r4 r2',
      '  print r5      ; 0',
      '  mul r6 r4 r1',
      '  eq r5 r6 r1',
      '  le r5 r1 r6',
      '  print r5      ; 1',
    ].join('\n');
    expect(run(src)).toMatchObject({ rc: 0, out: '-3\n-1\n4.0\nInfinity\n0\n1\n' });
  });

  it('falling off the end of a function returns 0, labels may end a function', () => {
    const src = 'func main 0\n  call r0 f\n  print r0\nfunc f 0\n  const r0 5\n  jmp out\nout:\n';
    expect(run(src)).toMatchObject({ rc: 0, out: '0\n' });
  });

  it('recursion up to the depth limit works', () => {
    const src = [
      'func main 1',
      '  call r1 down r0',
      '  print r1',
      'func down 1',
      '  const r1 0',
      '  eq r2 r0 r1',
      '  jnz r2 done',
      '  const r1 1',
      '  sub r3 r0 r1',
      '  call r4 down r3',
      '  add r4 r4 r1',
      '  ret r4',
      'done:',
      '  ret r1',
    ].join('\n');
    expect(run(src, ['999'])).toMatchObject({ rc: 0, out: '999\n' });
    const r = run(src, ['5000']);
    expect(r).toMatchObject({ rc: 1, err: `${r.file}:10:3: call stack overflow (more than 1000 nested calls)\n` });
  });

  it('the instruction table is in opcode order', () => {
    expect(INSNS[OP_EQ].name).toBe('eq');
    expect(INSNS[OP_CALL].name).toBe('call');
    expect(INSNS[OP_WRITE].name).toBe('write');
    expect(INSNS.length).toBe(OP_END + 1);
  });
});

describe('regvm guest errors', () => {
  // [program, line:col, message]
  const cases: [string, string, string][] = [
    ['func main 0\n  const r0 1\n  frob r0 r0\n', '3:3', "unknown instruction 'frob'"],
    ['func main 0\n  end\n', '2:3', "unknown instruction 'end'"],
    ['func main 0\n  jmp nowhere\n', '2:7', "undefined label 'nowhere'"],
    ['func main 0\nx:\nx: ret r0\n', '3:1', "label 'x' is defined twice"],
    ['func main 0\n  call r0 g r1\n', '2:11', "undefined function 'g'"],
    ['func main 0\n  call r0 f r1\nfunc f 2\n  ret r0\n', '2:11', "'f' takes 2 argument(s), got 1"],
    ['func main 0\nfunc main 1\n', '2:6', "function 'main' is defined twice"],
    ['  const r0 1\n', '1:3', "expected 'func' before the first instruction"],
    ['func main 0\n  add r0 r1\n', '2:3', "'add' expects 3 operand(s), got 2"],
    ['func main 0\n  mov r0 x1\n', '2:10', "expected a register like r3, got 'x1'"],
    ['func main 0\n  mov r256 r0\n', '2:7', 'register r256 out of range (r0..r255)'],
    ['func main 0\n  const r0 1x\n', '2:12', "bad constant '1x'"],
    ['func main 0\n  const r0 "abc\n', '2:12', 'unterminated string'],
    ['func main 0\n  const r0 "a\\qb"\n', '2:14', "unknown escape '\\q'"],
    // Runtime errors carry the position of the failing instruction.
    ['func main 0\n  const r0 1\n  const r1 0\n  div r2 r0 r1\n', '4:3', "integer division by zero in 'div'"],
    ['func main 0\n  const r1 0\n  mod r2 r0 r1\n', '3:3', "integer division by zero in 'mod'"],
    ['func main 0\n  const r0 1\n  const r1 "x"\n  add r2 r0 r1\n', '4:3', "'add' does not apply to int and str"],
    ['func main 0\n  const r1 "x"\n  lt r2 r1 r0\n', '3:3', "'lt' does not apply to str and int"],
  ];
  for (const [src, pos, message] of cases) {
    it(message, () => {
      const r = run(src);
      expect(r).toMatchObject({ rc: 1, err: `${r.file}:${pos}: ${message}\n` });
    });
  }

  it('program-level errors name the file', () => {
    const noMain = run('func f 0\n');
    expect(noMain).toMatchObject({ rc: 1, err: `${noMain.file}: no function 'main'\n` });
    const args = run('func main 1\n', []);
    expect(args).toMatchObject({ rc: 1, err: `${args.file}: 'main' takes 1 argument(s), got 0\n` });
    expect(runFile(main, '/nonexistent/p.rvm').err).toContain('/nonexistent/p.rvm');
  });
});

describe('regvm random programs', () => {
  it('run to completion; the only possible guest error is integer division by zero', () => {
    fc.assert(
      fc.property(programArbitrary(), (src) => {
        const r = run(src);
        if (r.rc !== 0) {
          expect(r.rc).toBe(1);
          expect(r.err).toMatch(/:\d+:\d+: integer division by zero in '(div|mod)'\n$/);
        } else {
          expect(r.err).toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });
});
