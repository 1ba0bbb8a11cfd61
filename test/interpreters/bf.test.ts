// The Brainfuck interpreter in plain mode: examples, guest errors with positions,
// and random terminating programs checked against a naive reference interpreter.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { programArbitrary } from '../../interpreters/bf/arbitrary.js';
import { main } from '../../interpreters/bf/main.js';
import { parseProgram } from '../../interpreters/bf/program.js';
import { examplePath, runFile, runSource } from './run-guest.js';

/** The textbook interpreter: one command at a time, brackets matched by a table. */
function reference(source: string, input: string): string {
  const code = [...source].filter((c) => '+-<>.,[]'.includes(c));
  const match = new Map<number, number>();
  const open: number[] = [];
  code.forEach((c, i) => {
    if (c === '[') open.push(i);
    if (c === ']') {
      const j = open.pop()!;
      match.set(i, j);
      match.set(j, i);
    }
  });
  const tape = new Uint8Array(30000);
  let p = 0;
  let inPos = 0;
  let out = '';
  for (let pc = 0; pc < code.length; pc++) {
    const c = code[pc];
    if (c === '+') tape[p]++;
    else if (c === '-') tape[p]--;
    else if (c === '>') p++;
    else if (c === '<') p--;
    else if (c === '.') out += String.fromCharCode(tape[p]);
    else if (c === ',') tape[p] = inPos < input.length ? input.charCodeAt(inPos++) & 255 : 0;
    else if (c === '[' && tape[p] === 0) pc = match.get(pc)!;
    else if (c === ']' && tape[p] !== 0) pc = match.get(pc)!;
  }
  return out;
}

describe('bf examples', () => {
  it('hello.b', () => {
    expect(runFile(main, examplePath('bf', 'hello.b'))).toMatchObject({ rc: 0, out: 'Hello, World!\n', err: '' });
  });

  it('triangle.b: nested counting loops', () => {
    const rows = ['1', '22', '333', '4444', '55555', '666666', '7777777', '88888888', '999999999'];
    expect(runFile(main, examplePath('bf', 'triangle.b'))).toMatchObject({ rc: 0, out: rows.join('\n') + '\n' });
  });

  it('letters.b: the benchmark', () => {
    expect(runFile(main, examplePath('bf', 'letters.b'))).toMatchObject({ rc: 0, out: 'ZYXWVUTSRQPONMLKJIHGFEDCBA\n' });
  });

  it('reads input from the second argument, then 0 at the end', () => {
    // Echo until a 0 byte: stops at the end of the input.
    expect(runSource(main, ',[.,]', 'b', ['hi there'])).toMatchObject({ rc: 0, out: 'hi there' });
    expect(runSource(main, ',.', 'b')).toMatchObject({ rc: 0, out: '\0' });
  });

  it('cells wrap at 8 bits', () => {
    expect(runSource(main, '-.+.' + '+'.repeat(256) + '.', 'b').out).toBe('\xff\0\0');
  });
});

describe('bf loading', () => {
  it('folds runs, clear loops and matches brackets', () => {
    const p = parseProgram('x.b', '+++ comment --\n>>[-]<[>+<-]');
    expect(p.ops.map((_, pc) => p.describe(pc))).toEqual(['+1', '>2', '[-]', '<1', '[', '>1', '+1', '<1', '-1', ']']);
    expect(p.args[4]).toBe(9); // `[` knows its `]`
    expect(p.args[9]).toBe(4); // and back
    expect(p.positionOf(2)).toBe('x.b:2:3');
  });
});

describe('bf guest errors', () => {
  it("unmatched ']' names its position", () => {
    const r = runSource(main, '++[>+<-]]', 'b');
    expect(r.rc).toBe(1);
    expect(r.err).toBe(`${r.file}:1:9: unmatched ']'\n`);
    expect(r.out).toBe('');
  });

  it("unmatched '[' names its position", () => {
    const r = runSource(main, '+\n+[>[-]', 'b');
    expect(r).toMatchObject({ rc: 1, err: `${r.file}:2:2: unmatched '['\n` });
  });

  it('moving off the tape is an error at the run of moves', () => {
    // A run of moves is one op: it is checked where it ends, and reported where it starts.
    const r = runSource(main, '+.\n >><<<', 'b');
    expect(r).toMatchObject({ rc: 1, out: '\x01', err: `${r.file}:2:2: pointer moved off the tape (cells 0..29999)\n` });
  });

  it('a missing file is reported, not thrown', () => {
    const r = runFile(main, '/nonexistent/prog.b');
    expect(r.rc).toBe(1);
    expect(r.err).toContain('/nonexistent/prog.b');
  });
});

describe('bf random programs', () => {
  it('run to completion and agree with the reference interpreter', () => {
    fc.assert(
      fc.property(programArbitrary(), fc.string({ maxLength: 8 }), (src, input) => {
        const r = runSource(main, src, 'b', [input]);
        expect(r.err).toBe('');
        expect(r.rc).toBe(0);
        expect(r.out).toBe(reference(src, input));
      }),
      { numRuns: 200 },
    );
  });

  it('dropping one bracket gives a positioned load error', () => {
    const withBracket = programArbitrary().filter((s) => s.includes('['));
    fc.assert(
      fc.property(withBracket, fc.nat(), (src, pick) => {
        const brackets = [...src].flatMap((c, i) => (c === '[' || c === ']' ? [i] : []));
        const at = brackets[pick % brackets.length];
        const r = runSource(main, src.slice(0, at) + src.slice(at + 1), 'b');
        expect(r.rc).toBe(1);
        expect(r.err).toMatch(/:\d+:\d+: unmatched '[[\]]'\n$/);
      }),
      { numRuns: 100 },
    );
  });
});
