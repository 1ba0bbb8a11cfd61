// Trace text, the parser: the exact inverse of print.ts (the grammar is drawn
// there). Errors name the problem and its position, 1-based `(line:col)`:
// `unknown op 'int_frob' (4:1)`, `box i7 used before its definition (5:15)`.
//
// Descriptors are looked up in the DescrRegistry by their printed name. The
// ones whose name says everything about them are made on first use and added to
// the registry, so hand-written test traces need not declare them, and a second
// parse with the same registry (the expected trace of an optimizer test) gets
// the same objects: `loc:"..."`, `target:NAME`, `guard:N` (no resume data), and
// `array:Uint8Array` & co. (one shared descriptor per typed-array class).
// Fields, classes, calls and exits must be registered beforehand.
//
// The parser checks what it needs to build a well-formed Trace object: op names,
// arity, descriptor kinds, box kinds and definition before use. verifyTrace
// checks the rest.

import { arrayDescr, withArticle, type Descr, type DescrRegistry } from './descr.js';
import { OPS } from './ops.js';
import type { Opcode } from './ops.js';
import { ConstRegistry } from './print.js';
import type { Box, Op, Trace, Value } from './trace.js';

export class TraceParseError extends Error {
  constructor(readonly detail: string, readonly line: number, readonly col: number) {
    super(`${detail} (${line}:${col})`);
    this.name = 'TraceParseError';
  }
}

const BOX = /^([ifr])(\d+)$/;
const INT = /^-?\d+$/;
const FLOAT = /^-?\d+(\.\d*)?([eE][+-]?\d+)?$/;
const WORD_CHAR = /[\w$.+-]/;

/** Parses trace text; see the file header for how descriptors are resolved. */
export function parseTrace(text: string, descrs: DescrRegistry, consts: ConstRegistry = new ConstRegistry()): Trace {
  return new TraceParser(descrs, consts).parse(text);
}

/** One line of text with a cursor; all errors point into it. */
class Cursor {
  pos = 0;
  constructor(readonly text: string, readonly line: number) {}

  fail(detail: string, at = this.pos): never {
    throw new TraceParseError(detail, this.line, at + 1);
  }
  ws(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }
  /** Skips blanks and returns the position of what follows. */
  here(): number {
    this.ws();
    return this.pos;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  eat(ch: string): boolean {
    this.ws();
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }
  expect(ch: string): void {
    if (!this.eat(ch)) this.fail(`expected '${ch}'${this.atEnd() ? ' at end of line' : ` but found '${this.peek()}'`}`);
  }
  atEnd(): boolean {
    this.ws();
    return this.pos >= this.text.length;
  }
  /** A run of identifier, number and `.+-` characters (may be empty). */
  word(): string {
    this.ws();
    const start = this.pos;
    while (this.pos < this.text.length && WORD_CHAR.test(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }
  /** A descriptor name runs until whitespace, `,`, `)`, `[` or `]` (strings are read whole). */
  atEndOfDescr(): boolean {
    const ch = this.peek();
    return ch === '' || ch === ' ' || ch === '\t' || ch === ',' || ch === ')' || ch === '[' || ch === ']';
  }
  /** A JSON string literal starting at the cursor; returns its source text. */
  stringLiteral(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length && this.text[this.pos] !== '"') this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    if (this.pos >= this.text.length) this.fail('unterminated string', start);
    this.pos++;
    return this.text.slice(start, this.pos);
  }
}

class TraceParser {
  private readonly boxes = new Map<number, Box>();

  constructor(private readonly descrs: DescrRegistry, private readonly consts: ConstRegistry) {}

  parse(text: string): Trace {
    let name = '';
    let inputs: Box[] | null = null;
    const ops: Op[] = [];
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const c = new Cursor(lines[i], i + 1);
      if (c.atEnd()) continue;
      if (c.peek() === '#') {
        const header = /^\s*# trace: ?(.*)$/.exec(c.text);
        if (header && inputs === null) name = header[1];
        continue;
      }
      if (inputs === null) inputs = this.inputs(c);
      else ops.push(this.op(c));
    }
    if (inputs === null) throw new TraceParseError('expected the input list [...]', lines.length, 1);
    return { name, inputs, ops };
  }

  private inputs(c: Cursor): Box[] {
    c.expect('[');
    const boxes: Box[] = [];
    if (!c.eat(']')) {
      do boxes.push(this.define(c)); while (c.eat(','));
      c.expect(']');
    }
    if (!c.atEnd()) c.fail('unexpected text after the input list');
    return boxes;
  }

  private labelsSeen = 0;

  private op(c: Cursor): Op {
    let at = c.here();
    let word = c.word();
    let result: Box | null = null;
    if (c.eat('=')) {
      c.pos = at;
      result = this.box(c, true);
      c.expect('=');
      at = c.here();
      word = c.word();
    }
    if (!Object.hasOwn(OPS, word)) c.fail(word === '' ? 'expected an op name' : `unknown op '${word}'`, at);
    const opcode = word as Opcode;
    const info = OPS[opcode];
    c.expect('(');
    const args: Value[] = [];
    let descr: Descr | null = null;
    if (!c.eat(')')) {
      do {
        const argAt = c.here();
        if (c.word() === 'descr' && c.eat('=')) {
          descr = this.descr(c, opcode);
          break;
        }
        c.pos = argAt;
        // A later label (a peeled loop's header) defines its args (verify.ts [scope]).
        args.push(opcode === 'label' && this.labelsSeen > 0 ? this.define(c) : this.value(c));
      } while (c.eat(','));
      c.expect(')');
    }
    const sig = info.args;
    const fixed = sig.endsWith('*') ? sig.length - 2 : sig.length;
    if (sig.endsWith('*') ? args.length < fixed : args.length !== fixed) {
      c.fail(`${opcode} takes ${sig.endsWith('*') ? 'at least ' : ''}${fixed} argument${fixed === 1 ? '' : 's'}, got ${args.length}`, at);
    }
    if (info.result === 'v' && result !== null) c.fail(`${opcode} has no result`, at);
    if (info.result !== 'v' && (result === null || result.kind !== info.result)) {
      c.fail(`${opcode} needs a result box of kind ${info.result}${result === null ? '' : `, not ${result.kind}${result.id}`}`, at);
    }
    if ('descr' in info && !('descrOptional' in info) && descr === null) c.fail(`${opcode} needs a descr=${info.descr} descriptor`, at);
    let failArgs: Value[] | null = null;
    if (c.eat('[')) {
      failArgs = [];
      if (!c.eat(']')) {
        do failArgs.push(this.value(c)); while (c.eat(','));
        c.expect(']');
      }
    }
    if (!c.atEnd()) c.fail(`unexpected '${c.peek()}'`);
    if (result !== null) this.boxes.set(result.id, result);
    if (opcode === 'label') this.labelsSeen++;
    return { opcode, args, result, descr, failArgs };
  }

  /** A box at the cursor: a new definition, or a use of a defined one. */
  private box(c: Cursor, defining: boolean): Box {
    const at = c.here();
    const word = c.word();
    const m = BOX.exec(word);
    if (!m) c.fail(`expected a box like i0, found '${word || c.peek()}'`, at);
    const kind = m[1] as Box['kind'];
    const id = Number(m[2]);
    const old = this.boxes.get(id);
    if (defining) {
      if (old !== undefined) c.fail(`box ${word} is defined twice`, at);
      return { tag: 'box', kind, id };
    }
    if (old === undefined) c.fail(`box ${word} used before its definition`, at);
    if (old.kind !== kind) c.fail(`box ${word} was defined as ${old.kind}${id}`, at);
    return old;
  }

  private define(c: Cursor): Box {
    const b = this.box(c, true);
    this.boxes.set(b.id, b);
    return b;
  }

  private value(c: Cursor): Value {
    const at = c.here();
    if (c.peek() === '"') return { tag: 'const', kind: 'r', value: JSON.parse(c.stringLiteral()) as string };
    const word = c.word();
    if (BOX.test(word)) {
      c.pos = at;
      return this.box(c, false);
    }
    switch (word) {
      case 'true': case 'false': return { tag: 'const', kind: 'i', value: word === 'true' };
      case 'null': return { tag: 'const', kind: 'r', value: null };
      case 'undefined': return { tag: 'const', kind: 'r', value: undefined };
      case 'ConstPtr': {
        c.expect('(');
        const nameAt = c.here();
        const name = c.word();
        const obj = this.consts.get(name);
        if (obj === undefined) c.fail(`unknown constant ConstPtr(${name})`, nameAt);
        c.expect(')');
        return { tag: 'const', kind: 'r', value: obj };
      }
      case 'ref': {
        c.expect('(');
        const inner = this.value(c);
        if (inner.tag !== 'const' || (inner.kind === 'r')) c.fail('ref(...) takes a number or boolean literal', at);
        c.expect(')');
        return { tag: 'const', kind: 'r', value: inner.value };
      }
    }
    const num = scalar(word);
    if (num === null) c.fail(word === '' ? `expected a value, found '${c.peek()}'` : `bad value '${word}'`, at);
    return num.kind === 'i' ? { tag: 'const', kind: 'i', value: num.value } : { tag: 'const', kind: 'f', value: num.value };
  }

  private descr(c: Cursor, opcode: Opcode): Descr {
    const at = c.here();
    while (!c.atEndOfDescr()) {
      if (c.peek() === '"') c.stringLiteral();
      else c.pos++;
    }
    const name = c.text.slice(at, c.pos);
    const d = this.descrs.get(name) ?? this.makeDescr(name);
    if (d === null) c.fail(name === '' ? 'expected a descriptor name' : `unknown descr ${name}`, at);
    const want = (OPS[opcode] as { descr?: string }).descr;
    if (want === undefined) c.fail(`${opcode} takes no descriptor`, at);
    if (d.kind !== want) c.fail(`${opcode} needs ${withArticle(want)} descriptor, ${name} is ${withArticle(d.kind)}`, at);
    return d;
  }

  /** The descriptors whose printed name determines them; see the file header. */
  private makeDescr(name: string): Descr | null {
    const colon = name.indexOf(':');
    const prefix = name.slice(0, colon);
    const rest = name.slice(colon + 1);
    let d: Descr;
    if (prefix === 'target' && rest !== '') d = { kind: 'target', name: rest };
    else if (prefix === 'array' && arrayDescr(rest) !== null) return arrayDescr(rest);
    else if (prefix === 'guard' && /^\d+$/.test(rest)) d = { kind: 'guard', id: Number(rest), resume: null, failures: 0, bridge: null };
    else if (prefix === 'loc' && rest.startsWith('"')) {
      let text: unknown;
      try { text = JSON.parse(rest); } catch { return null; }
      if (typeof text !== 'string') return null;
      d = { kind: 'loc', text };
    } else return null;
    this.descrs.add(d);
    return d;
  }
}

function scalar(word: string): { kind: 'i' | 'f'; value: number } | null {
  if (INT.test(word)) return { kind: 'i', value: Number(word) || 0 };
  if (FLOAT.test(word)) return { kind: 'f', value: Number(word) };
  if (word === 'nan') return { kind: 'f', value: NaN };
  if (word === 'inf') return { kind: 'f', value: Infinity };
  if (word === '-inf') return { kind: 'f', value: -Infinity };
  return null;
}
