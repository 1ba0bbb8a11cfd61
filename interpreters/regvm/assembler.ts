// The regvm assembler: program text -> Module. Syntax (one statement a line,
// `;` starts a comment):
//
//   func NAME NPARAMS          starts a function; arguments arrive in r0..r(NPARAMS-1)
//   LABEL:                     a jump target in the current function (may precede
//                              an instruction on the same line)
//   const rD LITERAL           42, -7 (int); 1.5, 2e3, 1.0 (float); "text" (str,
//                              escapes \n \t \" \\)
//   mov rD rS
//   add|sub|mul|div|mod|lt|le|eq rD rA rB
//   jmp LABEL
//   jnz rS LABEL | jz rS LABEL jump if rS is true / false
//   call rD FUNC rA ...        rD = FUNC(rA, ...)
//   ret rS
//   print rS | write rS        write the value with / without a newline
//
// Functions may call functions defined later. Falling off the end of a
// function returns int 0. The program starts at `main`.

import { Code, INSNS, Module, OP_CALL, OP_END, RegvmError } from './code.js';
import { W_Float, W_Int, W_Str, W_Value } from './values.js';

const MAX_REGS = 256;

class Token {
  readonly text: string;
  readonly line: number;
  readonly col: number;
  /** A quoted string literal; `text` is its value with escapes resolved. */
  readonly isString: boolean;

  constructor(text: string, line: number, col: number, isString: boolean) {
    this.text = text;
    this.line = line;
    this.col = col;
    this.isString = isString;
  }
}

/** A use of a name (label or function) resolved once all definitions are known. */
class Fixup {
  readonly slot: number;
  readonly token: Token;
  /** For calls: the number of arguments passed. */
  readonly nargs: number;

  constructor(slot: number, token: Token, nargs: number) {
    this.slot = slot;
    this.token = token;
    this.nargs = nargs;
  }
}

/** A function while it is being assembled. */
class FuncBuilder {
  readonly name: string;
  readonly nparams: number;
  readonly insns: number[] = [];
  readonly lines: number[] = [];
  readonly cols: number[] = [];
  readonly consts: W_Value[] = [];
  readonly labelNames: string[] = [];
  readonly labelPcs: number[] = [];
  readonly labelUses: Fixup[] = [];
  readonly callUses: Fixup[] = [];
  nregs: number;

  constructor(name: string, nparams: number) {
    this.name = name;
    this.nparams = nparams;
    this.nregs = nparams;
  }

  /** The pc of a label, or -1 if it is not defined. */
  labelPc(name: string): number {
    for (let i = 0; i < this.labelNames.length; i++) if (this.labelNames[i] === name) return this.labelPcs[i];
    return -1;
  }

  /** Appends one instruction slot, remembering the position of `at` for messages. */
  emit(value: number, at: Token): void {
    this.insns.push(value);
    this.lines.push(at.line);
    this.cols.push(at.col);
  }
}

function errorAt(path: string, tok: Token, message: string): RegvmError {
  return new RegvmError(path + ':' + tok.line + ':' + tok.col + ': ' + message);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

/** Splits one line into words and string literals, dropping the comment. */
function tokenize(path: string, lineNo: number, line: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (isSpace(c)) {
      i++;
    } else if (c === ';') {
      break;
    } else if (c === '"') {
      const start = i;
      let text = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) {
          const e = line[i + 1];
          if (e === 'n') text += '\n';
          else if (e === 't') text += '\t';
          else if (e === '"' || e === '\\') text += e;
          else throw errorAt(path, new Token('', lineNo, i + 1, false), "unknown escape '\\" + e + "'");
          i += 2;
        } else {
          text += line[i];
          i++;
        }
      }
      if (i >= line.length) throw errorAt(path, new Token('', lineNo, start + 1, false), 'unterminated string');
      i++;
      toks.push(new Token(text, lineNo, start + 1, true));
    } else {
      const start = i;
      while (i < line.length && !isSpace(line[i]) && line[i] !== ';' && line[i] !== '"') i++;
      toks.push(new Token(line.substring(start, i), lineNo, start + 1, false));
    }
  }
  return toks;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** `-?[0-9]+`, written without a regex (the subset has none). */
function isIntLiteral(s: string): boolean {
  const start = s.length > 1 && s[0] === '-' ? 1 : 0;
  if (start >= s.length) return false;
  for (let i = start; i < s.length; i++) if (!isDigit(s[i])) return false;
  return true;
}

function isIdentifier(s: string): boolean {
  if (s.length === 0 || isDigit(s[0])) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (!(isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '.')) return false;
  }
  return true;
}

function parseLiteral(path: string, tok: Token): W_Value {
  if (tok.isString) return new W_Str(tok.text);
  if (isIntLiteral(tok.text)) return new W_Int(Number(tok.text));
  let numeric = tok.text.length > 0;
  for (let i = 0; i < tok.text.length; i++) {
    const c = tok.text[i];
    if (!(isDigit(c) || c === '.' || c === 'e' || c === 'E' || c === '-' || c === '+')) numeric = false;
  }
  const f = Number(tok.text);
  if (!numeric || Number.isNaN(f)) throw errorAt(path, tok, "bad constant '" + tok.text + "'");
  return new W_Float(f);
}

function parseRegister(path: string, fb: FuncBuilder, tok: Token): number {
  const s = tok.text;
  if (tok.isString || s.length < 2 || s[0] !== 'r' || !isIntLiteral(s.substring(1)) || s[1] === '-') {
    throw errorAt(path, tok, "expected a register like r3, got '" + s + "'");
  }
  const r = Number(s.substring(1));
  if (r >= MAX_REGS) throw errorAt(path, tok, 'register ' + s + ' out of range (r0..r' + (MAX_REGS - 1) + ')');
  if (r >= fb.nregs) fb.nregs = r + 1;
  return r;
}

function parseName(path: string, tok: Token, what: string): string {
  if (tok.isString || !isIdentifier(tok.text)) throw errorAt(path, tok, 'expected a ' + what + " name, got '" + tok.text + "'");
  return tok.text;
}

/** The opcode of a mnemonic, or -1. OP_END is internal and has no mnemonic. */
function opcodeOf(name: string): number {
  for (let op = 0; op < OP_END; op++) if (INSNS[op].name === name) return op;
  return -1;
}

/** Assembles the instruction in toks[first..] into fb. */
function assembleInsn(path: string, fb: FuncBuilder, toks: Token[], first: number): void {
  const mnem = toks[first];
  const op = opcodeOf(mnem.text);
  if (op < 0 || mnem.isString) throw errorAt(path, mnem, "unknown instruction '" + mnem.text + "'");
  const kinds = INSNS[op].operands;
  const given = toks.length - first - 1;
  if (op === OP_CALL ? given < 2 : given !== kinds.length) {
    const expected = op === OP_CALL ? 'rD FUNC args...' : kinds.length + ' operand(s)';
    throw errorAt(path, mnem, "'" + mnem.text + "' expects " + expected + ', got ' + given);
  }
  fb.emit(op, mnem);
  if (op === OP_CALL) {
    fb.emit(parseRegister(path, fb, toks[first + 1]), toks[first + 1]);
    const callee = toks[first + 2];
    parseName(path, callee, 'function');
    fb.callUses.push(new Fixup(fb.insns.length, callee, given - 2));
    fb.emit(-1, callee);
    fb.emit(given - 2, callee);
    for (let i = first + 3; i < toks.length; i++) fb.emit(parseRegister(path, fb, toks[i]), toks[i]);
    return;
  }
  for (let k = 0; k < kinds.length; k++) {
    const tok = toks[first + 1 + k];
    const kind = kinds[k];
    if (kind === 'r') {
      fb.emit(parseRegister(path, fb, tok), tok);
    } else if (kind === 'k') {
      fb.emit(fb.consts.length, tok);
      fb.consts.push(parseLiteral(path, tok));
    } else {
      parseName(path, tok, 'label');
      fb.labelUses.push(new Fixup(fb.insns.length, tok, 0));
      fb.emit(-1, tok);
    }
  }
}

/** Starts a function from a `func NAME NPARAMS` line. */
function startFunction(path: string, toks: Token[], builders: FuncBuilder[]): FuncBuilder {
  if (toks.length !== 3) throw errorAt(path, toks[0], "'func' expects a name and a parameter count");
  const name = parseName(path, toks[1], 'function');
  if (toks[2].isString || !isIntLiteral(toks[2].text) || toks[2].text[0] === '-') {
    throw errorAt(path, toks[2], "bad parameter count '" + toks[2].text + "'");
  }
  const nparams = Number(toks[2].text);
  if (nparams > MAX_REGS) throw errorAt(path, toks[2], 'too many parameters');
  for (let i = 0; i < builders.length; i++) {
    if (builders[i].name === name) throw errorAt(path, toks[1], "function '" + name + "' is defined twice");
  }
  return new FuncBuilder(name, nparams);
}

export function assemble(path: string, source: string): Module {
  const builders: FuncBuilder[] = [];
  let fb: FuncBuilder | null = null;
  const lines = source.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const toks = tokenize(path, n + 1, lines[n]);
    if (toks.length === 0) continue;
    if (toks[0].text === 'func' && !toks[0].isString) {
      fb = startFunction(path, toks, builders);
      builders.push(fb);
      continue;
    }
    if (fb === null) throw errorAt(path, toks[0], "expected 'func' before the first instruction");
    let first = 0;
    const head = toks[0].text;
    if (!toks[0].isString && head.length > 1 && head[head.length - 1] === ':') {
      const label = parseName(path, new Token(head.substring(0, head.length - 1), n + 1, toks[0].col, false), 'label');
      if (fb.labelPc(label) >= 0) throw errorAt(path, toks[0], "label '" + label + "' is defined twice");
      fb.labelNames.push(label);
      fb.labelPcs.push(fb.insns.length);
      first = 1;
    }
    if (first < toks.length) assembleInsn(path, fb, toks, first);
  }
  return link(path, builders);
}

/** Resolves labels and calls and builds the Code objects. */
function link(path: string, builders: FuncBuilder[]): Module {
  const funcs: Code[] = [];
  const module = new Module(path, funcs);
  for (let f = 0; f < builders.length; f++) {
    const fb = builders[f];
    fb.insns.push(OP_END);
    fb.lines.push(fb.lines.length > 0 ? fb.lines[fb.lines.length - 1] : 1);
    fb.cols.push(1);
    for (let i = 0; i < fb.labelUses.length; i++) {
      const use = fb.labelUses[i];
      const target = fb.labelPc(use.token.text);
      if (target < 0) throw errorAt(path, use.token, "undefined label '" + use.token.text + "'");
      fb.insns[use.slot] = target;
    }
    for (let i = 0; i < fb.callUses.length; i++) {
      const use = fb.callUses[i];
      let callee = -1;
      for (let g = 0; g < builders.length; g++) if (builders[g].name === use.token.text) callee = g;
      if (callee < 0) throw errorAt(path, use.token, "undefined function '" + use.token.text + "'");
      if (builders[callee].nparams !== use.nargs) {
        throw errorAt(path, use.token, "'" + use.token.text + "' takes " + builders[callee].nparams + ' argument(s), got ' + use.nargs);
      }
      fb.insns[use.slot] = callee;
    }
  }
  for (let f = 0; f < builders.length; f++) {
    const fb = builders[f];
    funcs.push(new Code(fb.name, fb.nparams, fb.nregs, fb.insns, fb.consts, fb.lines, fb.cols, module));
  }
  return module;
}

/** A guest argument of `main`: an int or float if it reads as one, else a str. */
export function argumentValue(text: string): W_Value {
  if (isIntLiteral(text)) return new W_Int(Number(text));
  const f = Number(text);
  if (text.length > 0 && !isSpace(text[0]) && !Number.isNaN(f)) return new W_Float(f);
  return new W_Str(text);
}
