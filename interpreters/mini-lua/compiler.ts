// AST -> register bytecode (proto.ts). Register discipline as in lcode.c: active locals
// occupy registers 0..nactive-1 in declaration order, temporaries live above them and
// are released at the end of each statement.

import {
  Expr, ENum, EStr, ELocal, EUpval, EIndex, ECall, EMethCall, EFunc, ETable, EBin, EUn, EParen,
  Stmt, Block, SLocal, SAssign, SCall, SDo, SWhile, SRepeat, SIf, SNumFor, SGenFor, SLocalFunc, SReturn,
  SGoto, SLabel, FuncInfo, VarInfo,
  E_NIL, E_TRUE, E_FALSE, E_VARARG, E_NUM, E_STR, E_LOCAL, E_UPVAL, E_INDEX, E_CALL, E_METHCALL, E_FUNC,
  E_TABLE, E_BIN, E_UN, E_PAREN,
  S_LOCAL, S_ASSIGN, S_CALL, S_DO, S_WHILE, S_REPEAT, S_IF, S_NUMFOR, S_GENFOR, S_LOCALFUNC, S_RETURN,
  S_BREAK, S_GOTO, S_LABEL,
  B_CONCAT, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_AND, B_OR, B_SHR, B_IDIV,
  U_NEG, U_NOT, U_LEN, ATTR_CLOSE,
} from './ast.js';
import { LuaSyntaxError } from './lexer.js';
import {
  Proto, insABC, insABx, insSJ,
  OP_MOVE, OP_LOADK, OP_LOADNIL, OP_LOADBOOL, OP_GETUPVAL, OP_SETUPVAL, OP_GETBOX, OP_SETBOX, OP_NEWBOX,
  OP_GETTABUP, OP_SETTABUP, OP_GETTABLE, OP_GETFIELD, OP_SETTABLE, OP_SETFIELD, OP_NEWTABLE, OP_SELF,
  OP_UNM, OP_NOT, OP_LEN, OP_BNOT, OP_CONCAT, OP_JMP, OP_EQ, OP_LT, OP_LE, OP_EQK, OP_LTK, OP_LEK, OP_GTK,
  OP_GEK, OP_TEST, OP_CALL, OP_TAILCALL, OP_RETURN, OP_FORPREP, OP_FORLOOP, OP_TFORPREP, OP_TFORCALL,
  OP_TFORLOOP, OP_SETLIST, OP_CLOSURE, OP_VARARG, OP_TBC, OP_CLOSE, OP_RETURN0, OP_RETURN1, OP_ARITH,
  OP_ARITHK, OP_ARITHKL, OP_ARITHKF, OP_ARITHKFL, OP_GETI, OP_SETI, VmGate,
} from './proto.js';
import { LFloat, LInt, internString } from './value.js';
import type { LuaValue } from './value.js';

const MAXREGS = 250;
const FIELDS_PER_FLUSH = 50;

class Label {
  readonly name: string;
  readonly pc: number;
  readonly nactive: number;
  readonly line: number;
  constructor(name: string, pc: number, nactive: number, line: number) {
    this.name = name;
    this.pc = pc;
    this.nactive = nactive;
    this.line = line;
  }
}

class PendingGoto {
  readonly name: string;
  readonly pc: number;
  nactive: number;
  readonly line: number;
  /** The goto leaves a block that has to-be-closed variables. */
  needsClose: boolean = false;
  constructor(name: string, pc: number, nactive: number, line: number) {
    this.name = name;
    this.pc = pc;
    this.nactive = nactive;
    this.line = line;
  }
}

class BlockCtx {
  readonly parent: BlockCtx | null;
  readonly isLoop: boolean;
  readonly nactive: number;
  readonly breaks: number[] = [];
  readonly labels: Label[] = [];
  readonly gotos: PendingGoto[] = [];
  hasClose: boolean = false;
  constructor(parent: BlockCtx | null, isLoop: boolean, nactive: number) {
    this.parent = parent;
    this.isLoop = isLoop;
    this.nactive = nactive;
  }
}

class FuncCtx {
  readonly info: FuncInfo;
  readonly parent: FuncCtx | null;
  readonly code: number[] = [];
  readonly lines: number[] = [];
  readonly names: (string | null)[] = [];
  readonly k: LuaValue[] = [];
  readonly kmap: Map<LuaValue, number> = new Map();
  readonly protos: Proto[] = [];
  readonly actives: VarInfo[] = [];
  freeReg: number = 0;
  maxStack: number = 2;
  block: BlockCtx | null = null;
  curLine: number = 0;
  constructor(info: FuncInfo, parent: FuncCtx | null) {
    this.info = info;
    this.parent = parent;
  }
}

/** `strings` interns the string constants (see internString); `gate` goes into every Proto. */
export function compileChunk(main: FuncInfo, chunk: string, chunkname: string, gate: VmGate, strings: Map<string, string>): Proto {
  const c = new Compiler(chunk, chunkname, gate, strings);
  return c.compileFunction(main, null);
}

/** A float numeral (2.0, 0.5, 1e300): arithmetic with it has a float result. */
function isFloatConst(v: LuaValue): boolean {
  return v instanceof LFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** The value of an integer numeral key usable as an 8-bit operand (t[1]), else -1. */
function constIntKey(k: Expr): number {
  if (k.kind !== E_NUM) return -1;
  const v = (k as ENum).value;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255 ? v : -1;
}

function isMulti(e: Expr): boolean {
  return e.kind === E_CALL || e.kind === E_METHCALL || e.kind === E_VARARG;
}

class Compiler {
  readonly chunk: string;
  /** The chunk name as given (for debug.getinfo().source). */
  readonly chunkname: string;
  readonly gate: VmGate;
  readonly strings: Map<string, string>;
  fs: FuncCtx;
  constructor(chunk: string, chunkname: string, gate: VmGate, strings: Map<string, string>) {
    this.chunk = chunk;
    this.chunkname = chunkname;
    this.gate = gate;
    this.strings = strings;
    this.fs = new FuncCtx(new FuncInfo(0, ''), null);
  }

  error(msg: string, line: number): LuaSyntaxError {
    return new LuaSyntaxError(this.chunk + ':' + line + ': ' + msg);
  }

  // ---------------------------------------------------------------- emission
  emit(ins: number, n1: string | null, n2: string | null): number {
    const fs = this.fs;
    fs.code.push(ins);
    fs.lines.push(fs.curLine);
    fs.names.push(n1);
    fs.names.push(n2);
    return fs.code.length - 1;
  }
  emitABC(op: number, a: number, b: number, c: number): number {
    return this.emit(insABC(op, a, b, c), null, null);
  }
  emitABx(op: number, a: number, bx: number): number {
    return this.emit(insABx(op, a, bx), null, null);
  }
  emitJump(): number {
    return this.emit(insSJ(OP_JMP, 0), null, null);
  }
  pc(): number {
    return this.fs.code.length;
  }
  patchJump(at: number, target: number): void {
    this.fs.code[at] = insSJ(OP_JMP, target - (at + 1));
  }
  patchHere(list: number[]): void {
    const t = this.pc();
    for (let i = 0; i < list.length; i++) this.patchJump(list[i], t);
  }

  reserve(n: number): number {
    const fs = this.fs;
    const r = fs.freeReg;
    fs.freeReg += n;
    if (fs.freeReg > MAXREGS) throw this.error('function or expression needs too many registers', fs.curLine);
    if (fs.freeReg > fs.maxStack) fs.maxStack = fs.freeReg;
    return r;
  }

  addK(v0: LuaValue): number {
    const fs = this.fs;
    const v = typeof v0 === 'string' ? internString(this.strings, v0) : v0;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      const i = fs.kmap.get(v);
      if (typeof i === 'number') return i;
      fs.kmap.set(v, fs.k.length);
    }
    fs.k.push(v);
    return fs.k.length - 1;
  }

  nactive(): number {
    return this.fs.actives.length;
  }

  activate(v: VarInfo, reg: number): void {
    v.reg = reg;
    this.fs.actives.push(v);
  }

  // ---------------------------------------------------------------- functions
  compileFunction(info: FuncInfo, parent: FuncCtx | null): Proto {
    const fs = new FuncCtx(info, parent);
    const saved = this.fs;
    this.fs = fs;
    fs.curLine = info.line;
    const np = info.params.length;
    this.reserve(np);
    for (let i = 0; i < np; i++) this.activate(info.params[i], i);
    for (let i = 0; i < np; i++) {
      if (info.params[i].captured) this.emitABC(OP_NEWBOX, i, 0, 0);
    }
    const body = this.enterBlock(false);
    this.statements(info.body.stmts);
    // closing the body's variables belongs to the final 'end' (the implicit return)
    fs.curLine = info.lastLine;
    this.leaveBlock(body);
    this.emitABC(OP_RETURN0, 0, 0, 0);
    const ups = info.upvals;
    const upIn = new Int32Array(ups.length);
    const upIdx = new Int32Array(ups.length);
    const upNames: string[] = [];
    for (let i = 0; i < ups.length; i++) {
      const d = ups[i];
      upNames.push(d.name);
      if (d.inParentLocal) {
        upIn[i] = 1;
        upIdx[i] = (d.parentVar as VarInfo).reg;
      } else {
        upIn[i] = 0;
        upIdx[i] = d.index;
      }
    }
    const p = new Proto(
      Int32Array.from(fs.code), fs.k, fs.protos, upIn, upIdx, upNames,
      np, info.isVararg, fs.maxStack + 1, Int32Array.from(fs.lines), fs.names, this.chunk, info.line,
      info.name, this.chunkname, info.lastLine, this.gate,
    );
    this.fs = saved;
    return p;
  }

  // ---------------------------------------------------------------- blocks
  enterBlock(isLoop: boolean): BlockCtx {
    const b = new BlockCtx(this.fs.block, isLoop, this.nactive());
    this.fs.block = b;
    return b;
  }

  leaveBlock(b: BlockCtx): void {
    const fs = this.fs;
    // pending gotos leave this block: they now see the block's entry scope
    const parent = b.parent;
    for (let i = 0; i < b.gotos.length; i++) {
      const g = b.gotos[i];
      if (parent === null) throw this.error("no visible label '" + g.name + "' for <goto> at line " + g.line, g.line);
      if (g.nactive > b.nactive) {
        g.nactive = b.nactive;
      }
      if (b.hasClose) g.needsClose = true;
      parent.gotos.push(g);
    }
    if (b.hasClose) this.emitABC(OP_CLOSE, b.nactive, 0, 0);
    fs.actives.length = b.nactive;
    fs.freeReg = b.nactive;
    fs.block = parent;
  }

  /** A block's statements; `isLoopBody` blocks get break targets. */
  blockBody(body: Block, isLoop: boolean): void {
    const b = this.enterBlock(isLoop);
    this.statements(body.stmts);
    this.leaveBlock(b);
  }

  /** `untilFollows`: a repeat body, whose locals stay in scope in the `until` condition. */
  statements(stmts: Stmt[], untilFollows: boolean = false): void {
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      if (s.kind === S_LABEL) {
        // a label followed only by void statements (labels) is at the end of the block
        let atEnd = !untilFollows;
        for (let j = i + 1; j < stmts.length; j++) {
          if (stmts[j].kind !== S_LABEL) {
            atEnd = false;
            break;
          }
        }
        this.label(s as SLabel, atEnd);
        continue;
      }
      this.statement(s);
      this.fs.freeReg = this.nactive();
    }
  }

  label(s: SLabel, atEnd: boolean): void {
    const fs = this.fs;
    const blk = fs.block as BlockCtx;
    // duplicate check in this function's visible blocks
    for (let b: BlockCtx | null = blk; b !== null; b = b.parent) {
      for (let i = 0; i < b.labels.length; i++) {
        if (b.labels[i].name === s.name) {
          throw this.error("label '" + s.name + "' already defined on line " + b.labels[i].line, s.line);
        }
      }
    }
    const nact = atEnd ? blk.nactive : this.nactive();
    const l = new Label(s.name, this.pc(), nact, s.line);
    blk.labels.push(l);
    // resolve pending forward gotos of this block
    const rest: PendingGoto[] = [];
    let close = false;
    for (let i = 0; i < blk.gotos.length; i++) {
      const g = blk.gotos[i];
      if (g.name === s.name) {
        if (g.needsClose) close = true;
        if (g.nactive < nact) {
          const v = fs.actives[g.nactive];
          throw this.error(
            "<goto " + g.name + "> at line " + g.line + " jumps into the scope of local '" + v.name + "'", g.line,
          );
        }
        this.patchGoto(g, l.pc);
      } else rest.push(g);
    }
    blk.gotos.length = 0;
    for (let i = 0; i < rest.length; i++) blk.gotos.push(rest[i]);
    // a goto that left blocks with to-be-closed variables closes them here, at the label
    // (as PUC; for code falling through to the label they are closed already)
    if (close) this.emitABC(OP_CLOSE, nact, 0, 0);
  }

  patchGoto(g: PendingGoto, target: number): void {
    this.patchJump(g.pc, target);
  }

  gotoStat(s: SGoto): void {
    const fs = this.fs;
    // backward goto to a visible label?
    for (let b: BlockCtx | null = fs.block; b !== null; b = b.parent) {
      for (let i = 0; i < b.labels.length; i++) {
        const l = b.labels[i];
        if (l.name === s.label) {
          if (this.needsCloseTo(l.nactive)) this.emitABC(OP_CLOSE, l.nactive, 0, 0);
          const j = this.emitJump();
          this.patchJump(j, l.pc);
          return;
        }
      }
    }
    const j = this.emitJump();
    (fs.block as BlockCtx).gotos.push(new PendingGoto(s.label, j, this.nactive(), s.line));
  }

  /** Are there to-be-closed variables among the active locals at or above `level`? */
  needsCloseTo(level: number): boolean {
    const acts = this.fs.actives;
    for (let i = level; i < acts.length; i++) if (acts[i].attrib === ATTR_CLOSE) return true;
    return false;
  }

  breakStat(line: number): void {
    let b = this.fs.block;
    while (b !== null && !b.isLoop) b = b.parent;
    if (b === null) throw this.error('break outside loop at line ' + line, line);
    if (this.needsCloseTo(b.nactive)) this.emitABC(OP_CLOSE, b.nactive, 0, 0);
    b.breaks.push(this.emitJump());
  }

  // ---------------------------------------------------------------- statements
  statement(s: Stmt): void {
    this.fs.curLine = s.line;
    switch (s.kind) {
      case S_LOCAL:
        this.localStat(s as SLocal);
        break;
      case S_ASSIGN:
        this.assignStat(s as SAssign);
        break;
      case S_CALL: {
        const c = (s as SCall).call;
        this.callExpr(c, this.fs.freeReg, 0);
        break;
      }
      case S_DO:
        this.blockBody((s as SDo).body, false);
        break;
      case S_WHILE:
        this.whileStat(s as SWhile);
        break;
      case S_REPEAT:
        this.repeatStat(s as SRepeat);
        break;
      case S_IF:
        this.ifStat(s as SIf);
        break;
      case S_NUMFOR:
        this.numFor(s as SNumFor);
        break;
      case S_GENFOR:
        this.genFor(s as SGenFor);
        break;
      case S_LOCALFUNC:
        this.localFunc(s as SLocalFunc);
        break;
      case S_RETURN:
        this.returnStat(s as SReturn);
        break;
      case S_BREAK:
        this.breakStat(s.line);
        break;
      case S_GOTO:
        this.gotoStat(s as SGoto);
        break;
      default:
        throw this.error('bad statement', s.line);
    }
  }

  localStat(s: SLocal): void {
    const vars = s.vars;
    const base = this.fs.freeReg;
    this.expList(s.exprs, vars.length);
    this.fs.freeReg = base + vars.length;
    if (this.fs.freeReg > this.fs.maxStack) this.fs.maxStack = this.fs.freeReg;
    for (let i = 0; i < vars.length; i++) {
      const v = vars[i];
      this.activate(v, base + i);
      if (v.captured) this.emitABC(OP_NEWBOX, base + i, 0, 0);
      if (v.attrib === ATTR_CLOSE) {
        (this.fs.block as BlockCtx).hasClose = true;
        // the name is for the "got a non-closable value" error
        this.emitABx(OP_TBC, base + i, this.addK(v.name));
      }
    }
  }

  localFunc(s: SLocalFunc): void {
    const r = this.reserve(1);
    this.activate(s.v, r);
    if (s.v.captured) {
      this.emitABC(OP_LOADNIL, r, 0, 0);
      this.emitABC(OP_NEWBOX, r, 0, 0);
      const t = this.reserve(1);
      this.closure(s.func, t);
      this.emitABC(OP_SETBOX, r, t, 0);
    } else this.closure(s.func, r);
  }

  assignStat(s: SAssign): void {
    const targets = s.targets;
    const exprs = s.exprs;
    if (targets.length === 1 && exprs.length === 1) {
      this.assignSingle(targets[0], exprs[0]);
      return;
    }
    // evaluate table/key parts of targets into fresh registers, then all values, then store
    const objRegs: number[] = [];
    const keyRegs: number[] = [];
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i];
      if (t.kind === E_INDEX) {
        const ix = t as EIndex;
        const o = this.reserve(1);
        this.exp2reg(ix.obj, o);
        const k = this.reserve(1);
        this.exp2reg(ix.key, k);
        objRegs.push(o);
        keyRegs.push(k);
      } else {
        objRegs.push(-1);
        keyRegs.push(-1);
      }
    }
    const base = this.fs.freeReg;
    this.expList(exprs, targets.length);
    for (let i = targets.length - 1; i >= 0; i--) {
      const t = targets[i];
      const v = base + i;
      this.fs.curLine = s.line;
      if (t.kind === E_INDEX) {
        this.emit(insABC(OP_SETTABLE, objRegs[i], keyRegs[i], v), this.describe((t as EIndex).obj), null);
      } else this.storeVar(t, v);
    }
  }

  /** Stores register `v` into a local/upvalue target. */
  storeVar(t: Expr, v: number): void {
    if (t.kind === E_LOCAL) {
      const lv = (t as ELocal).v;
      if (lv.captured) this.emitABC(OP_SETBOX, lv.reg, v, 0);
      else if (lv.reg !== v) this.emitABC(OP_MOVE, lv.reg, v, 0);
    } else if (t.kind === E_UPVAL) {
      this.emitABC(OP_SETUPVAL, v, (t as EUpval).idx, 0);
    } else throw this.error('cannot assign', t.line);
  }

  assignSingle(t: Expr, e: Expr): void {
    if (t.kind === E_LOCAL) {
      const lv = (t as ELocal).v;
      if (!lv.captured && this.safeDirect(e)) {
        this.exp2reg(e, lv.reg);
        return;
      }
      const r = this.exp2anyreg(e);
      this.storeVar(t, r);
      return;
    }
    if (t.kind === E_UPVAL) {
      const r = this.exp2anyreg(e);
      this.storeVar(t, r);
      return;
    }
    const ix = t as EIndex;
    const keyConst = this.constStringKey(ix.key);
    if (ix.obj.kind === E_UPVAL && keyConst >= 0) {
      const r = this.exp2anyreg(e);
      this.fs.curLine = t.line;
      this.emit(insABC(OP_SETTABUP, (ix.obj as EUpval).idx, keyConst, r), this.describe(ix.obj), null);
      return;
    }
    const o = this.exp2anyreg(ix.obj);
    if (keyConst >= 0) {
      const r = this.exp2anyreg(e);
      this.fs.curLine = t.line;
      this.emit(insABC(OP_SETFIELD, o, keyConst, r), this.describe(ix.obj), null);
      return;
    }
    const ki = constIntKey(ix.key);
    if (ki >= 0) {
      const r = this.exp2anyreg(e);
      this.fs.curLine = t.line;
      this.emit(insABC(OP_SETI, o, ki, r), this.describe(ix.obj), null);
      return;
    }
    const k = this.exp2anyreg(ix.key);
    const r = this.exp2anyreg(e);
    this.fs.curLine = t.line;
    this.emit(insABC(OP_SETTABLE, o, k, r), this.describe(ix.obj), null);
  }

  /** Can `e` be evaluated straight into a live local's register? */
  safeDirect(e: Expr): boolean {
    switch (e.kind) {
      case E_NIL: case E_TRUE: case E_FALSE: case E_NUM: case E_STR: case E_LOCAL: case E_UPVAL:
      case E_INDEX: case E_CALL: case E_METHCALL: case E_FUNC: case E_VARARG: case E_UN:
        return true;
      case E_BIN: {
        const op = (e as EBin).op;
        return op !== B_AND && op !== B_OR;
      }
      case E_PAREN:
        return this.safeDirect((e as EParen).e);
      default:
        return false;
    }
  }

  /** Constant index of a short string key usable in an 8-bit operand, else -1. */
  constStringKey(k: Expr): number {
    if (k.kind !== E_STR) return -1;
    const i = this.addK((k as EStr).value);
    return i <= 255 ? i : -1;
  }

  whileStat(s: SWhile): void {
    const start = this.pc();
    const exits = this.condJump(s.cond, false);
    const b = this.enterBlock(true);
    this.statements(s.body.stmts);
    this.leaveBlock(b);
    this.fs.curLine = s.line;
    const j = this.emitJump();
    this.patchJump(j, start);
    this.patchHere(exits);
    this.patchHere(b.breaks);
  }

  /** Hidden locals (loop state) so statement ends do not release their registers. */
  hidden(base: number, n: number): void {
    for (let i = 0; i < n; i++) this.activate(new VarInfo('(for state)', 0), base + i);
  }

  repeatStat(s: SRepeat): void {
    const start = this.pc();
    const b = this.enterBlock(true);
    this.statements(s.body.stmts, true);
    this.fs.curLine = s.cond.line;
    if (b.hasClose) {
      // evaluate the condition, close the scope's variables, then loop
      const r = this.exp2anyreg(s.cond);
      this.emitABC(OP_CLOSE, b.nactive, 0, 0);
      this.emitABC(OP_TEST, r, 0, 0);
      const j = this.emitJump();
      this.patchJump(j, start);
    } else {
      const back = this.condJump(s.cond, false);
      for (let i = 0; i < back.length; i++) this.patchJump(back[i], start);
    }
    b.hasClose = false;
    this.leaveBlock(b);
    this.patchHere(b.breaks);
  }

  ifStat(s: SIf): void {
    const ends: number[] = [];
    for (let i = 0; i < s.conds.length; i++) {
      this.fs.curLine = s.conds[i].line;
      const f = this.condJump(s.conds[i], false);
      this.blockBody(s.blocks[i], false);
      if (i < s.conds.length - 1 || s.elseBlock !== null) ends.push(this.emitJump());
      this.patchHere(f);
    }
    if (s.elseBlock !== null) this.blockBody(s.elseBlock, false);
    this.patchHere(ends);
  }

  numFor(s: SNumFor): void {
    const b = this.enterBlock(true);
    const base = this.reserve(3);
    this.exp2reg(s.start, base);
    this.exp2reg(s.limit, base + 1);
    if (s.step !== null) this.exp2reg(s.step, base + 2);
    else this.emitABx(OP_LOADK, base + 2, this.addK(1));
    this.hidden(base, 3);
    this.fs.curLine = s.line;
    const prep = this.emitABx(OP_FORPREP, base, 0);
    const body = this.pc();
    const inner = this.enterBlock(false);
    const vr = this.reserve(1);
    this.activate(s.v, vr);
    if (s.v.captured) this.emitABC(OP_NEWBOX, vr, 0, 0);
    this.statements(s.body.stmts);
    this.leaveBlock(inner);
    this.fs.curLine = s.line;
    const loop = this.emitABx(OP_FORLOOP, base, 0);
    this.fs.code[loop] = insABx(OP_FORLOOP, base, loop + 1 - body);
    this.fs.code[prep] = insABx(OP_FORPREP, base, loop + 1 - (prep + 1));
    this.leaveBlock(b);
    this.patchHere(b.breaks);
  }

  genFor(s: SGenFor): void {
    const b = this.enterBlock(true);
    const base = this.fs.freeReg;
    this.expList(s.exprs, 4);
    this.fs.freeReg = base + 4;
    this.hidden(base, 3);
    // the 4th value is closed when the loop ends (normally, by break, return or goto)
    const closing = new VarInfo('(for state)', ATTR_CLOSE);
    this.activate(closing, base + 3);
    b.hasClose = true;
    this.fs.curLine = s.line;
    this.emitABx(OP_TBC, base + 3, this.addK(closing.name));
    const nv = s.vars.length;
    this.reserve(nv);
    if (this.fs.maxStack < base + 7) this.fs.maxStack = base + 7;
    this.fs.curLine = s.line;
    const prep = this.emitABx(OP_TFORPREP, base, 0);
    const body = this.pc();
    const inner = this.enterBlock(false);
    for (let i = 0; i < nv; i++) {
      this.activate(s.vars[i], base + 4 + i);
    }
    for (let i = 0; i < nv; i++) {
      if (s.vars[i].captured) this.emitABC(OP_NEWBOX, base + 4 + i, 0, 0);
    }
    this.statements(s.body.stmts);
    this.leaveBlock(inner);
    this.fs.curLine = s.line;
    // PUC 5.4.4 describes a bad iterator as "for iterator 'for iterator'"
    const call = this.emit(insABC(OP_TFORCALL, base, 0, nv), "for iterator 'for iterator'", null);
    this.fs.code[prep] = insABx(OP_TFORPREP, base, call - (prep + 1));
    const loop = this.emitABx(OP_TFORLOOP, base, 0);
    this.fs.code[loop] = insABx(OP_TFORLOOP, base, loop + 1 - body);
    this.leaveBlock(b);
    this.patchHere(b.breaks);
  }

  returnStat(s: SReturn): void {
    const exprs = s.exprs;
    const n = exprs.length;
    if (n === 0) {
      this.emitABC(OP_RETURN0, 0, 0, 0);
      return;
    }
    if (n === 1 && (exprs[0].kind === E_CALL || exprs[0].kind === E_METHCALL) && !this.needsCloseTo(0)) {
      this.callExpr(exprs[0], this.fs.freeReg, -2);
      return;
    }
    if (n === 1 && !isMulti(exprs[0])) {
      const r = this.exp2anyreg(exprs[0]);
      this.fs.curLine = s.line;
      this.emitABC(OP_RETURN1, r, 0, 0);
      return;
    }
    const base = this.fs.freeReg;
    this.expList(exprs, -1);
    this.fs.curLine = s.line;
    if (isMulti(exprs[n - 1])) this.emitABC(OP_RETURN, base, 0, 0);
    else this.emitABC(OP_RETURN, base, n + 1, 0);
  }

  // ---------------------------------------------------------------- expressions
  /**
   * Evaluates `exprs` into consecutive registers from freeReg, adjusted to `want`
   * values (-1: all, the last multi-value expression leaves `top` set).
   */
  expList(exprs: Expr[], want: number): void {
    const n = exprs.length;
    if (n === 0) {
      if (want > 0) {
        const r = this.reserve(want);
        this.emitABC(OP_LOADNIL, r, want - 1, 0);
      }
      return;
    }
    for (let i = 0; i < n - 1; i++) this.exp2nextreg(exprs[i]);
    const last = exprs[n - 1];
    if (isMulti(last)) {
      const need = want < 0 ? -1 : want - (n - 1);
      const base = this.fs.freeReg;
      if (last.kind === E_VARARG) {
        this.fs.curLine = last.line;
        this.emitABC(OP_VARARG, base, 0, need < 0 ? 0 : need + 1);
      } else this.callExpr(last, base, need < 0 ? -1 : need);
      if (need > 0) {
        this.fs.freeReg = base;
        this.reserve(need);
      } else this.fs.freeReg = base;
      return;
    }
    this.exp2nextreg(last);
    if (want > n) {
      const r = this.reserve(want - n);
      this.emitABC(OP_LOADNIL, r, want - n - 1, 0);
    }
  }

  exp2nextreg(e: Expr): number {
    if (e.kind === E_CALL || e.kind === E_METHCALL) {
      const base = this.fs.freeReg;
      this.callExpr(e, base, 1);
      this.fs.freeReg = base;
      return this.reserve(1);
    }
    const r = this.reserve(1);
    this.exp2reg(e, r);
    return r;
  }

  /** Register holding e's value: a plain local's own register, or a new temporary. */
  exp2anyreg(e: Expr): number {
    if (e.kind === E_LOCAL) {
      const v = (e as ELocal).v;
      if (!v.captured) return v.reg;
    }
    return this.exp2nextreg(e);
  }

  /** Name description of an expression for error messages. */
  describe(e: Expr): string | null {
    switch (e.kind) {
      case E_LOCAL:
        return "local '" + (e as ELocal).v.name + "'";
      case E_UPVAL:
        return "upvalue '" + (e as EUpval).name + "'";
      case E_INDEX: {
        const ix = e as EIndex;
        if (ix.key.kind === E_STR) {
          const k = (ix.key as EStr).value;
          if (ix.isGlobal) return "global '" + k + "'";
          return "field '" + k + "'";
        }
        // PUC names what its GETI (integer constant key 0..255) loaded, and gives up on other keys.
        if (ix.key.kind === E_NUM) {
          const k = (ix.key as ENum).value;
          if (typeof k === 'number' && Number.isInteger(k) && k >= 0 && k <= 255) return "field 'integer index'";
        }
        return "field '?'";
      }
      case E_PAREN: {
        // Parentheses leave the value where it was: PUC finds the same name (not for call results).
        const inner = (e as EParen).e;
        return inner.kind === E_METHCALL ? null : this.describe(inner);
      }
      case E_METHCALL:
        return "method '" + (e as EMethCall).name + "'";
      case E_STR:
        return "constant '" + (e as EStr).value + "'";
      default:
        return null;
    }
  }

  exp2reg(e: Expr, dest: number): void {
    const fs = this.fs;
    const savedLine = fs.curLine;
    fs.curLine = e.line;
    const save = fs.freeReg;
    switch (e.kind) {
      case E_NIL:
        this.emitABC(OP_LOADNIL, dest, 0, 0);
        break;
      case E_TRUE:
        this.emitABC(OP_LOADBOOL, dest, 1, 0);
        break;
      case E_FALSE:
        this.emitABC(OP_LOADBOOL, dest, 0, 0);
        break;
      case E_NUM:
        this.emitABx(OP_LOADK, dest, this.addK((e as ENum).value));
        break;
      case E_STR:
        this.emitABx(OP_LOADK, dest, this.addK((e as EStr).value));
        break;
      case E_VARARG:
        this.emitABC(OP_VARARG, dest, 0, 2);
        break;
      case E_LOCAL: {
        const v = (e as ELocal).v;
        if (v.captured) this.emitABC(OP_GETBOX, dest, v.reg, 0);
        else if (v.reg !== dest) this.emitABC(OP_MOVE, dest, v.reg, 0);
        break;
      }
      case E_UPVAL:
        this.emitABC(OP_GETUPVAL, dest, (e as EUpval).idx, 0);
        break;
      case E_INDEX:
        this.indexExpr(e as EIndex, dest);
        break;
      case E_CALL:
      case E_METHCALL: {
        if (dest === fs.freeReg - 1 && dest >= this.nactive()) {
          fs.freeReg = dest;
          this.callExpr(e, dest, 1);
        } else {
          const base = fs.freeReg;
          this.callExpr(e, base, 1);
          this.emitABC(OP_MOVE, dest, base, 0);
        }
        break;
      }
      case E_FUNC:
        this.closure(e as EFunc, dest);
        break;
      case E_TABLE:
        this.tableCons(e as ETable, dest);
        break;
      case E_BIN:
        this.binExpr(e as EBin, dest);
        break;
      case E_UN: {
        const u = e as EUn;
        if (u.op === U_NOT) {
          const r = this.exp2anyreg(u.a);
          this.emitABC(OP_NOT, dest, r, 0);
        } else {
          const r = this.exp2anyreg(u.a);
          fs.curLine = e.line;
          const op = u.op === U_NEG ? OP_UNM : u.op === U_LEN ? OP_LEN : OP_BNOT;
          this.emit(insABC(op, dest, r, 0), this.describe(u.a), null);
        }
        break;
      }
      case E_PAREN:
        this.exp2reg((e as EParen).e, dest);
        break;
      default:
        throw this.error('bad expression', e.line);
    }
    fs.freeReg = save;
    fs.curLine = savedLine;
  }

  indexExpr(e: EIndex, dest: number): void {
    const kc = this.constStringKey(e.key);
    if (e.obj.kind === E_UPVAL && kc >= 0) {
      this.emit(insABC(OP_GETTABUP, dest, (e.obj as EUpval).idx, kc), this.describe(e.obj), null);
      return;
    }
    const o = this.exp2anyreg(e.obj);
    this.fs.curLine = e.line;
    if (kc >= 0) {
      this.emit(insABC(OP_GETFIELD, dest, o, kc), this.describe(e.obj), null);
      return;
    }
    const ki = constIntKey(e.key);
    if (ki >= 0) {
      this.emit(insABC(OP_GETI, dest, o, ki), this.describe(e.obj), null);
      return;
    }
    const k = this.exp2anyreg(e.key);
    this.fs.curLine = e.line;
    this.emit(insABC(OP_GETTABLE, dest, o, k), this.describe(e.obj), null);
  }

  closure(e: EFunc, dest: number): void {
    const p = this.compileFunction(e.f, this.fs);
    this.fs.protos.push(p);
    this.emitABx(OP_CLOSURE, dest, this.fs.protos.length - 1);
  }

  tableCons(e: ETable, dest: number): void {
    const fs = this.fs;
    let t = dest;
    let moveAfter = false;
    if (!(dest === fs.freeReg - 1 && dest >= this.nactive())) {
      t = this.reserve(1);
      moveAfter = true;
    }
    let narr = 0;
    let nhash = 0;
    for (let i = 0; i < e.fields.length; i++) {
      if (e.fields[i].key === null) narr++;
      else nhash++;
    }
    this.emitABC(OP_NEWTABLE, t, narr > 255 ? 255 : narr, nhash > 255 ? 255 : nhash);
    let pending = 0;
    let stored = 0;
    const fields = e.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (f.key === null) {
        const isLast = i === fields.length - 1;
        if (isLast && isMulti(f.value)) {
          const base = fs.freeReg;
          if (f.value.kind === E_VARARG) this.emitABC(OP_VARARG, base, 0, 0);
          else this.callExpr(f.value, base, -1);
          fs.curLine = e.line;
          this.emitABC(OP_SETLIST, t, 0, 0);
          this.emit(stored, null, null);
          pending = 0;
          fs.freeReg = t + 1;
          continue;
        }
        this.exp2nextreg(f.value);
        pending++;
        if (pending === FIELDS_PER_FLUSH) {
          fs.curLine = e.line;
          this.emitABC(OP_SETLIST, t, pending, 0);
          this.emit(stored, null, null);
          stored += pending;
          pending = 0;
          fs.freeReg = t + 1;
        }
      } else {
        const save = fs.freeReg;
        const kc = this.constStringKey(f.key);
        if (kc >= 0) {
          const v = this.exp2anyreg(f.value);
          this.emitABC(OP_SETFIELD, t, kc, v);
        } else {
          const k = this.exp2anyreg(f.key);
          const v = this.exp2anyreg(f.value);
          this.emitABC(OP_SETTABLE, t, k, v);
        }
        fs.freeReg = save;
      }
    }
    if (pending > 0) {
      fs.curLine = e.line;
      this.emitABC(OP_SETLIST, t, pending, 0);
      this.emit(stored, null, null);
    }
    if (moveAfter) this.emitABC(OP_MOVE, dest, t, 0);
  }

  binExpr(e: EBin, dest: number): void {
    const op = e.op;
    if (op === B_AND || op === B_OR) {
      this.exp2reg(e.a, dest);
      this.fs.curLine = e.line;
      this.emitABC(OP_TEST, dest, 0, op === B_AND ? 0 : 1);
      const j = this.emitJump();
      this.exp2reg(e.b, dest);
      this.patchHere([j]);
      return;
    }
    if (op >= B_EQ) {
      // comparison in value context
      const t = this.condJump(e, true);
      this.emitABC(OP_LOADBOOL, dest, 0, 1);
      this.patchHere(t);
      this.emitABC(OP_LOADBOOL, dest, 1, 0);
      return;
    }
    if (op === B_CONCAT && dest >= this.nactive()) {
      // into a fresh register: the left operand goes there first (as PUC's chain of
      // values), so no stale value waits in it while the rest is computed (a
      // collection cycle could still see it)
      this.exp2reg(e.a, dest);
      const rb = this.exp2anyreg(e.b);
      this.fs.curLine = e.line;
      this.emit(insABC(OP_CONCAT, dest, dest, rb), this.describe(e.a), this.describe(e.b));
      return;
    }
    if (op <= B_SHR && e.a.kind === E_NUM && e.b.kind !== E_NUM) {
      // numeral on the left (2 * x, 1 - x): no register for the constant
      const v = (e.a as ENum).value;
      const kc = this.addK(v);
      if (kc <= 255) {
        const rb = this.exp2anyreg(e.b);
        this.fs.curLine = e.line;
        const base = isFloatConst(v) && op <= B_IDIV ? OP_ARITHKFL : OP_ARITHKL;
        this.emit(insABC(base + op, dest, rb, kc), null, this.describe(e.b));
        return;
      }
    }
    const ra = this.exp2anyreg(e.a);
    if (op === B_CONCAT) {
      const rb = this.exp2anyreg(e.b);
      this.fs.curLine = e.line;
      this.emit(insABC(OP_CONCAT, dest, ra, rb), this.describe(e.a), this.describe(e.b));
      return;
    }
    if (e.b.kind === E_NUM && op <= B_SHR) {
      const v = (e.b as ENum).value;
      const kc = this.addK(v);
      if (kc <= 255) {
        this.fs.curLine = e.line;
        const base = isFloatConst(v) && op <= B_IDIV ? OP_ARITHKF : OP_ARITHK;
        this.emit(insABC(base + op, dest, ra, kc), this.describe(e.a), null);
        return;
      }
    }
    const rb = this.exp2anyreg(e.b);
    this.fs.curLine = e.line;
    this.emit(insABC(OP_ARITH + op, dest, ra, rb), this.describe(e.a), this.describe(e.b));
  }

  /**
   * Emits code that jumps when truthiness(e) === jumpIf and falls through otherwise.
   * Returns the jumps to patch.
   */
  condJump(e: Expr, jumpIf: boolean): number[] {
    const fs = this.fs;
    const out: number[] = [];
    switch (e.kind) {
      case E_TRUE:
      case E_NUM:
      case E_STR:
        if (jumpIf) out.push(this.emitJump());
        return out;
      case E_NIL:
      case E_FALSE:
        if (!jumpIf) out.push(this.emitJump());
        return out;
      case E_UN:
        if ((e as EUn).op === U_NOT) return this.condJump((e as EUn).a, !jumpIf);
        break;
      case E_PAREN:
        return this.condJump((e as EParen).e, jumpIf);
      case E_BIN: {
        const b = e as EBin;
        const op = b.op;
        if (op === B_AND) {
          if (!jumpIf) {
            const j1 = this.condJump(b.a, false);
            const j2 = this.condJump(b.b, false);
            for (let i = 0; i < j2.length; i++) j1.push(j2[i]);
            return j1;
          }
          const f = this.condJump(b.a, false);
          const t = this.condJump(b.b, true);
          this.patchHere(f);
          return t;
        }
        if (op === B_OR) {
          if (jumpIf) {
            const j1 = this.condJump(b.a, true);
            const j2 = this.condJump(b.b, true);
            for (let i = 0; i < j2.length; i++) j1.push(j2[i]);
            return j1;
          }
          const t = this.condJump(b.a, true);
          const f = this.condJump(b.b, false);
          this.patchHere(t);
          return f;
        }
        if (op >= B_EQ) {
          const save = fs.freeReg;
          this.compare(b, jumpIf);
          out.push(this.emitJump());
          fs.freeReg = save;
          return out;
        }
        break;
      }
      default:
        break;
    }
    const save = fs.freeReg;
    const r = this.exp2anyreg(e);
    fs.curLine = e.line;
    this.emitABC(OP_TEST, r, 0, jumpIf ? 1 : 0);
    out.push(this.emitJump());
    fs.freeReg = save;
    return out;
  }

  /** Emits a comparison that skips the following jump unless (a op b) === k. */
  compare(b: EBin, k: boolean): void {
    let op = b.op;
    let kk = k ? 1 : 0;
    if (op === B_NE) {
      op = B_EQ;
      kk = 1 - kk;
    }
    const ra = this.exp2anyreg(b.a);
    // constant right operand
    if (b.b.kind === E_NUM || (b.b.kind === E_STR && op === B_EQ)) {
      let v = b.b.kind === E_NUM ? (b.b as ENum).value : (b.b as EStr).value;
      // Numbers compare by value, so an integral float constant (4.0) is stored as the
      // integer (4) to stay on the interpreter's raw-number fast path; bit 1 of C
      // records it for the metamethod slow path, which must see the float.
      let floatBit = 0;
      if (v instanceof LFloat && Number.isSafeInteger(v.n) && (v.n !== 0 || 1 / v.n > 0)) {
        v = v.n;
        floatBit = 2;
      }
      const kc = this.addK(v);
      if (kc <= 255) {
        this.fs.curLine = b.line;
        const kop = op === B_EQ ? OP_EQK : op === B_LT ? OP_LTK : op === B_LE ? OP_LEK : op === B_GT ? OP_GTK : OP_GEK;
        this.emitABC(kop, ra, kc, kk | floatBit);
        return;
      }
    }
    const rb = this.exp2anyreg(b.b);
    this.fs.curLine = b.line;
    if (op === B_EQ) this.emitABC(OP_EQ, ra, rb, kk);
    else if (op === B_LT) this.emitABC(OP_LT, ra, rb, kk);
    else if (op === B_LE) this.emitABC(OP_LE, ra, rb, kk);
    else if (op === B_GT) this.emitABC(OP_LT, rb, ra, kk);
    else this.emitABC(OP_LE, rb, ra, kk);
  }

  /**
   * Compiles a call with its function at register `base` (which must be freeReg or the
   * top temporary). nres: results wanted (-1 all, sets top; -2 tail call/return).
   */
  callExpr(e: Expr, base: number, nres: number): void {
    const fs = this.fs;
    fs.freeReg = base;
    let args: Expr[];
    let nameDesc: string | null;
    let nfixed = 0;
    if (e.kind === E_METHCALL) {
      const m = e as EMethCall;
      this.reserve(2);
      const o = this.exp2anyreg(m.obj);
      fs.freeReg = base + 2;
      fs.curLine = e.line;
      const kc = this.addK(m.name);
      if (kc <= 255) this.emit(insABC(OP_SELF, base, o, kc), this.describe(m.obj), null);
      else {
        const kr = this.reserve(1);
        this.emitABx(OP_LOADK, kr, kc);
        this.emitABC(OP_MOVE, base + 1, o, 0);
        this.emit(insABC(OP_GETTABLE, base, o, kr), this.describe(m.obj), null);
        fs.freeReg = base + 2;
      }
      args = m.args;
      nameDesc = this.describe(e);
      nfixed = 1;
    } else {
      const c = e as ECall;
      this.reserve(1);
      this.exp2reg(c.fn, base);
      args = c.args;
      nameDesc = this.describe(c.fn);
    }
    const n = args.length;
    let b: number;
    if (n > 0 && isMulti(args[n - 1])) {
      this.expList(args, -1);
      b = 0;
    } else {
      this.expList(args, n);
      b = n + nfixed + 1;
    }
    fs.curLine = e.line;
    if (nres === -2) {
      this.emit(insABC(OP_TAILCALL, base, b, 0), nameDesc, null);
      this.emitABC(OP_RETURN, base, 0, 0);
    } else {
      this.emit(insABC(OP_CALL, base, b, nres + 1), nameDesc, null);
    }
    fs.freeReg = base;
    if (nres > 0) this.reserve(nres);
    fs.freeReg = base;
  }
}

export { LFloat, LInt };
