// Recursive-descent parser for Lua 5.4 (structure after lparser.c), producing the AST
// of ast.ts with names resolved to locals, upvalues and `_ENV` fields.

import {
  Expr, ENum, EStr, ELocal, EUpval, EIndex, ECall, EMethCall, EFunc, TField, ETable, EBin, EUn, EParen,
  Stmt, Block, SLocal, SAssign, SCall, SDo, SWhile, SRepeat, SIf, SNumFor, SGenFor, SLocalFunc, SReturn,
  SGoto, SLabel, FuncInfo, VarInfo, UpvalDesc,
  E_NIL, E_TRUE, E_FALSE, E_VARARG, E_NUM, E_STR, E_LOCAL, E_UPVAL, E_INDEX, E_CALL, E_METHCALL,
  B_ADD, B_SUB, B_MUL, B_MOD, B_POW, B_DIV, B_IDIV, B_BAND, B_BOR, B_BXOR, B_SHL, B_SHR, B_CONCAT,
  B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_AND, B_OR, U_NEG, U_NOT, U_LEN, U_BNOT,
  ATTR_NONE, ATTR_CONST, ATTR_CLOSE, S_BREAK,
} from './ast.js';
import {
  Lexer, LuaSyntaxError, tokenName,
  T_EOF, T_NAME, T_STRING, T_NUMBER, T_AND, T_BREAK, T_DO, T_ELSE, T_ELSEIF, T_END, T_FALSE, T_FOR,
  T_FUNCTION, T_GOTO, T_IF, T_IN, T_LOCAL, T_NIL, T_NOT, T_OR, T_REPEAT, T_RETURN, T_THEN, T_TRUE,
  T_UNTIL, T_WHILE, T_IDIV, T_CONCAT, T_DOTS, T_EQ, T_GE, T_LE, T_NE, T_SHL, T_SHR, T_DBCOLON,
} from './lexer.js';
import { LFloat } from './value.js';

class PFunc {
  readonly parent: PFunc | null;
  readonly info: FuncInfo;
  readonly actives: VarInfo[] = [];
  constructor(parent: PFunc | null, info: FuncInfo) {
    this.parent = parent;
    this.info = info;
  }
}

// Priorities: [left, right] per binary op, indexed by B_* code.
const LEFT_PRI: number[] = [10, 10, 11, 11, 14, 11, 11, 6, 4, 5, 7, 7, 9, 3, 3, 3, 3, 3, 3, 2, 1];
const RIGHT_PRI: number[] = [10, 10, 11, 11, 13, 11, 11, 6, 4, 5, 7, 7, 8, 3, 3, 3, 3, 3, 3, 2, 1];
const UNARY_PRI = 12;
// PUC's limits: LUAI_MAXCCALLS (parser nesting), MAXVARS, MAXUPVAL
const MAX_LEVELS = 200;
const MAX_LOCALS = 200;
const MAX_UPVALUES = 255;

export function parseChunk(src: string, chunk: string): FuncInfo {
  const p = new Parser(new Lexer(src, chunk));
  return p.mainFunc();
}

class Parser {
  readonly lx: Lexer;
  fs: PFunc;
  /** The name of each compile-time constant's expression, for "assign to const variable 'x'". */
  readonly constNames: Map<Expr, string> = new Map();
  /** Nesting of statements and expressions (PUC counts them as C calls). */
  level: number = 0;
  constructor(lx: Lexer) {
    this.lx = lx;
    this.fs = new PFunc(null, new FuncInfo(0, 'main chunk'));
  }

  mainFunc(): FuncInfo {
    const info = this.fs.info;
    info.isVararg = true;
    info.upvals.push(new UpvalDesc('_ENV', false, null, 0));
    this.lx.next();
    info.body = this.block();
    if (this.lx.tok !== T_EOF) throw this.lx.syntaxError("'<eof>' expected");
    info.lastLine = this.lx.line;
    return info;
  }

  // ---- helpers
  check(t: number): void {
    if (this.lx.tok !== t) throw this.lx.syntaxError("'" + tokenName(t) + "' expected");
  }
  checkNext(t: number): void {
    this.check(t);
    this.lx.next();
  }
  testNext(t: number): boolean {
    if (this.lx.tok === t) {
      this.lx.next();
      return true;
    }
    return false;
  }
  checkMatch(what: number, who: number, line: number): void {
    if (this.lx.tok !== what) {
      if (line === this.lx.tokLine) throw this.lx.syntaxError("'" + tokenName(what) + "' expected");
      throw this.lx.syntaxError(
        "'" + tokenName(what) + "' expected (to close '" + tokenName(who) + "' at line " + line + ')',
      );
    }
    this.lx.next();
  }
  name(): string {
    if (this.lx.tok !== T_NAME) throw this.lx.syntaxError('<name> expected');
    const s = this.lx.sval;
    this.lx.next();
    return s;
  }

  blockFollow(withUntil: boolean): boolean {
    const t = this.lx.tok;
    return t === T_ELSE || t === T_ELSEIF || t === T_END || t === T_EOF || (withUntil && t === T_UNTIL);
  }

  // ---- scopes and names
  declare(v: VarInfo): void {
    this.fs.actives.push(v);
  }

  enterLevel(): void {
    if (++this.level >= MAX_LEVELS) throw new LuaSyntaxError('C stack overflow');
  }

  /** PUC's errorlimit: "too many upvalues (limit is 255) in function at line 5". */
  limitError(limit: number, what: string): LuaSyntaxError {
    const line = this.fs.info.line;
    const where = line === 0 ? 'main function' : 'function at line ' + line;
    return this.lx.syntaxError('too many ' + what + ' (limit is ' + limit + ') in ' + where);
  }

  resolve(name: string, line: number): Expr {
    const e = this.findVar(this.fs, name, line);
    if (e !== null) return e;
    const env = this.findVar(this.fs, '_ENV', line);
    if (env === null) throw new LuaSyntaxError('_ENV not found');
    return new EIndex(env, new EStr(name, line), true, line);
  }

  findVar(fs: PFunc, name: string, line: number): Expr | null {
    const acts = fs.actives;
    for (let i = acts.length - 1; i >= 0; i--) {
      const v = acts[i];
      if (v.name === name) {
        if (v.constExpr !== null) {
          this.constNames.set(v.constExpr, v.name);
          return v.constExpr;
        }
        return new ELocal(v, line);
      }
    }
    const ups = fs.info.upvals;
    for (let i = 0; i < ups.length; i++) {
      if (ups[i].name === name) return new EUpval(i, name, line);
    }
    if (fs.parent === null) return null;
    const pe = this.findVar(fs.parent, name, line);
    if (pe === null) return null;
    if (pe.kind !== E_LOCAL && pe.kind !== E_UPVAL) return pe; // compile-time constant
    if (ups.length >= MAX_UPVALUES) {
      const saved = this.fs;
      this.fs = fs;
      const err = this.limitError(MAX_UPVALUES, 'upvalues');
      this.fs = saved;
      throw err;
    }
    if (pe.kind === E_LOCAL) {
      const v = (pe as ELocal).v;
      v.captured = true;
      ups.push(new UpvalDesc(name, true, v, -1));
      return new EUpval(ups.length - 1, name, line);
    }
    if (pe.kind === E_UPVAL) {
      ups.push(new UpvalDesc(name, false, null, (pe as EUpval).idx));
      return new EUpval(ups.length - 1, name, line);
    }
    return pe; // compile-time constant
  }

  // ---- statements
  block(): Block {
    const saved = this.fs.actives.length;
    const stmts: Stmt[] = [];
    this.statList(stmts);
    this.fs.actives.length = saved;
    return new Block(stmts);
  }

  statList(stmts: Stmt[]): void {
    while (!this.blockFollow(true)) {
      if (this.lx.tok === T_RETURN) {
        stmts.push(this.retStat());
        return;
      }
      this.enterLevel();
      const s = this.statement();
      this.level--;
      if (s !== null) stmts.push(s);
    }
  }

  retStat(): Stmt {
    const line = this.lx.tokLine;
    this.lx.next();
    let exprs: Expr[] = [];
    if (!this.blockFollow(true) && this.lx.tok !== 59) exprs = this.exprList();
    this.testNext(59);
    if (!this.blockFollow(true)) throw this.lx.syntaxError("'<eof>' expected");
    return new SReturn(exprs, line);
  }

  statement(): Stmt | null {
    const line = this.lx.tokLine;
    switch (this.lx.tok) {
      case 59:
        this.lx.next();
        return null;
      case T_IF:
        return this.ifStat(line);
      case T_WHILE: {
        this.lx.next();
        const cond = this.expr();
        this.checkNext(T_DO);
        const body = this.block();
        this.checkMatch(T_END, T_WHILE, line);
        return new SWhile(cond, body, line);
      }
      case T_DO: {
        this.lx.next();
        const body = this.block();
        this.checkMatch(T_END, T_DO, line);
        return new SDo(body, line);
      }
      case T_FOR:
        return this.forStat(line);
      case T_REPEAT: {
        this.lx.next();
        const saved = this.fs.actives.length;
        const stmts: Stmt[] = [];
        this.statList(stmts);
        this.checkMatch(T_UNTIL, T_REPEAT, line);
        const cond = this.expr();
        this.fs.actives.length = saved;
        return new SRepeat(new Block(stmts), cond, line);
      }
      case T_FUNCTION:
        return this.funcStat(line);
      case T_LOCAL:
        this.lx.next();
        if (this.testNext(T_FUNCTION)) return this.localFunc(line);
        return this.localStat(line);
      case T_DBCOLON: {
        this.lx.next();
        const n = this.name();
        this.checkNext(T_DBCOLON);
        return new SLabel(n, line);
      }
      case T_RETURN:
        return this.retStat();
      case T_BREAK:
        this.lx.next();
        return new Stmt(S_BREAK, line);
      case T_GOTO: {
        this.lx.next();
        const n = this.name();
        return new SGoto(n, line);
      }
      default:
        return this.exprStat(line);
    }
  }

  ifStat(line: number): Stmt {
    const conds: Expr[] = [];
    const blocks: Block[] = [];
    this.lx.next();
    conds.push(this.expr());
    this.checkNext(T_THEN);
    blocks.push(this.block());
    let elseBlock: Block | null = null;
    for (;;) {
      if (this.lx.tok === T_ELSEIF) {
        this.lx.next();
        conds.push(this.expr());
        this.checkNext(T_THEN);
        blocks.push(this.block());
      } else if (this.lx.tok === T_ELSE) {
        this.lx.next();
        elseBlock = this.block();
        this.checkMatch(T_END, T_IF, line);
        break;
      } else {
        this.checkMatch(T_END, T_IF, line);
        break;
      }
    }
    return new SIf(conds, blocks, elseBlock, line);
  }

  forStat(line: number): Stmt {
    this.lx.next();
    const n1 = this.name();
    if (this.lx.tok === 61) {
      this.lx.next();
      const start = this.expr();
      this.checkNext(44);
      const limit = this.expr();
      let step: Expr | null = null;
      if (this.testNext(44)) step = this.expr();
      this.checkNext(T_DO);
      const saved = this.fs.actives.length;
      const v = new VarInfo(n1, ATTR_NONE);
      this.declare(v);
      const body = this.block();
      this.fs.actives.length = saved;
      this.checkMatch(T_END, T_FOR, line);
      return new SNumFor(v, start, limit, step, body, line);
    }
    if (this.lx.tok === 44 || this.lx.tok === T_IN) {
      const names: string[] = [n1];
      while (this.testNext(44)) names.push(this.name());
      this.checkNext(T_IN);
      // as in PUC, the loop's calls are on the line where the expression list starts
      const exprLine = this.lx.tokLine;
      const exprs = this.exprList();
      this.checkNext(T_DO);
      const saved = this.fs.actives.length;
      const vars: VarInfo[] = [];
      for (let i = 0; i < names.length; i++) {
        const v = new VarInfo(names[i], ATTR_NONE);
        vars.push(v);
        this.declare(v);
      }
      const body = this.block();
      this.fs.actives.length = saved;
      this.checkMatch(T_END, T_FOR, line);
      return new SGenFor(vars, exprs, body, exprLine);
    }
    throw this.lx.syntaxError("'=' or 'in' expected");
  }

  funcStat(line: number): Stmt {
    this.lx.next();
    // funcname: Name {'.' Name} [':' Name]
    const n = this.name();
    let target = this.resolve(n, line);
    let fullName = n;
    let isMethod = false;
    while (this.lx.tok === 46 || this.lx.tok === 58) {
      const sep = this.lx.tok;
      this.lx.next();
      const k = this.name();
      target = new EIndex(target, new EStr(k, line), false, line);
      fullName += (sep === 58 ? ':' : '.') + k;
      if (sep === 58) {
        isMethod = true;
        break;
      }
    }
    const f = this.funcBody(isMethod, line, fullName);
    this.checkAssignable(target); // function x() end assigns x, which may be <const>
    const targets: Expr[] = [target];
    const exprs: Expr[] = [f];
    return new SAssign(targets, exprs, line);
  }

  localFunc(line: number): Stmt {
    const n = this.name();
    const v = new VarInfo(n, ATTR_NONE);
    this.declare(v);
    const f = this.funcBody(false, line, n);
    return new SLocalFunc(v, f, line);
  }

  localStat(line: number): Stmt {
    const vars: VarInfo[] = [];
    do {
      const n = this.name();
      let attr = ATTR_NONE;
      if (this.testNext(60)) {
        const a = this.name();
        if (a === 'const') attr = ATTR_CONST;
        else if (a === 'close') attr = ATTR_CLOSE;
        else throw this.lx.error("unknown attribute '" + a + "'", false); // a semantic error: no 'near'
        this.checkNext(62);
      }
      if (this.fs.actives.length + vars.length >= MAX_LOCALS) throw this.limitError(MAX_LOCALS, 'local variables');
      vars.push(new VarInfo(n, attr));
    } while (this.testNext(44));
    let nclose = 0;
    for (let i = 0; i < vars.length; i++) if (vars[i].attrib === ATTR_CLOSE) nclose++;
    if (nclose > 1) throw this.lx.syntaxError('multiple to-be-closed variables in local list');
    let exprs: Expr[] = [];
    if (this.testNext(61)) exprs = this.exprList();
    // <const> locals initialized by a literal become compile-time constants
    if (exprs.length === vars.length) {
      for (let i = 0; i < vars.length; i++) {
        const v = vars[i];
        if (v.attrib === ATTR_CONST) {
          const k = exprs[i].kind;
          if (k === E_NUM || k === E_STR || k === E_NIL || k === E_TRUE || k === E_FALSE) v.constExpr = exprs[i];
        }
      }
    }
    for (let i = 0; i < vars.length; i++) this.declare(vars[i]);
    return new SLocal(vars, exprs, line);
  }

  exprStat(line: number): Stmt {
    const e = this.suffixedExpr();
    if (this.lx.tok === 61 || this.lx.tok === 44) {
      // each target is checked as soon as it is parsed (the error names that line, as PUC)
      this.checkAssignable(e);
      const targets: Expr[] = [e];
      while (this.testNext(44)) {
        // PUC parses each further target one C level deeper
        if (targets.length + this.level >= MAX_LEVELS) throw new LuaSyntaxError('C stack overflow');
        const t = this.suffixedExpr();
        this.checkAssignable(t);
        targets.push(t);
      }
      this.checkNext(61);
      const exprs = this.exprList();
      return new SAssign(targets, exprs, line);
    }
    if (e.kind !== E_CALL && e.kind !== E_METHCALL) throw this.lx.syntaxError('syntax error');
    return new SCall(e, line);
  }

  checkAssignable(e: Expr): void {
    if (e.kind === E_LOCAL) {
      const v = (e as ELocal).v;
      if (v.attrib !== ATTR_NONE) {
        throw new LuaSyntaxError(this.lx.chunk + ':' + this.lx.tokLine + ": attempt to assign to const variable '" + v.name + "'");
      }
      return;
    }
    if (e.kind === E_UPVAL || e.kind === E_INDEX) {
      if (e.kind === E_UPVAL) {
        const v = this.upvalVar(this.fs, (e as EUpval).idx);
        if (v !== null && v.attrib !== ATTR_NONE) {
          throw new LuaSyntaxError(
            this.lx.chunk + ':' + this.lx.tokLine + ": attempt to assign to const variable '" + v.name + "'",
          );
        }
      }
      return;
    }
    if (e.kind === E_NUM || e.kind === E_STR || e.kind === E_NIL || e.kind === E_TRUE || e.kind === E_FALSE) {
      const name = this.constNames.has(e) ? " '" + this.constNames.get(e) + "'" : '';
      throw new LuaSyntaxError(this.lx.chunk + ':' + this.lx.tokLine + ': attempt to assign to const variable' + name);
    }
    throw this.lx.syntaxError('syntax error');
  }

  upvalVar(fs: PFunc, idx: number): VarInfo | null {
    const d = fs.info.upvals[idx];
    if (d.inParentLocal) return d.parentVar;
    if (fs.parent === null || d.index < 0 || d.name === '_ENV') return null;
    return this.upvalVar(fs.parent, d.index);
  }

  // ---- functions
  funcBody(isMethod: boolean, line: number, name: string): EFunc {
    const info = new FuncInfo(line, name);
    const fs = new PFunc(this.fs, info);
    this.fs = fs;
    if (isMethod) {
      const self = new VarInfo('self', ATTR_NONE);
      info.params.push(self);
      this.declare(self);
    }
    this.checkNext(40);
    if (this.lx.tok !== 41) {
      do {
        if (this.lx.tok === T_NAME) {
          const v = new VarInfo(this.name(), ATTR_NONE);
          info.params.push(v);
          this.declare(v);
        } else if (this.lx.tok === T_DOTS) {
          this.lx.next();
          info.isVararg = true;
          break;
        } else throw this.lx.syntaxError('<name> expected');
      } while (this.testNext(44));
    }
    this.checkNext(41);
    info.body = this.block();
    info.lastLine = this.lx.tokLine;
    this.checkMatch(T_END, T_FUNCTION, line);
    this.fs = fs.parent as PFunc;
    return new EFunc(info, line);
  }

  // ---- expressions
  exprList(): Expr[] {
    const list: Expr[] = [this.expr()];
    while (this.testNext(44)) list.push(this.expr());
    return list;
  }

  expr(): Expr {
    return this.subExpr(0);
  }

  subExpr(limit: number): Expr {
    this.enterLevel();
    let e: Expr;
    const uop = this.unaryOp(this.lx.tok);
    if (uop >= 0) {
      const line = this.lx.tokLine;
      this.lx.next();
      const a = this.subExpr(UNARY_PRI);
      e = foldUnary(uop, a, line);
    } else e = this.simpleExpr();
    let op = this.binaryOp(this.lx.tok);
    while (op >= 0 && LEFT_PRI[op] > limit) {
      const line = this.lx.tokLine;
      this.lx.next();
      const b = this.subExpr(RIGHT_PRI[op]);
      e = new EBin(op, e, b, line);
      op = this.binaryOp(this.lx.tok);
    }
    this.level--;
    return e;
  }

  unaryOp(t: number): number {
    if (t === T_NOT) return U_NOT;
    if (t === 45) return U_NEG;
    if (t === 126) return U_BNOT;
    if (t === 35) return U_LEN;
    return -1;
  }

  binaryOp(t: number): number {
    switch (t) {
      case 43: return B_ADD;
      case 45: return B_SUB;
      case 42: return B_MUL;
      case 47: return B_DIV;
      case 37: return B_MOD;
      case 94: return B_POW;
      case T_IDIV: return B_IDIV;
      case 38: return B_BAND;
      case 124: return B_BOR;
      case 126: return B_BXOR;
      case T_SHL: return B_SHL;
      case T_SHR: return B_SHR;
      case T_CONCAT: return B_CONCAT;
      case T_EQ: return B_EQ;
      case T_NE: return B_NE;
      case 60: return B_LT;
      case T_LE: return B_LE;
      case 62: return B_GT;
      case T_GE: return B_GE;
      case T_AND: return B_AND;
      case T_OR: return B_OR;
      default: return -1;
    }
  }

  simpleExpr(): Expr {
    const line = this.lx.tokLine;
    switch (this.lx.tok) {
      case T_NUMBER: {
        const v = this.lx.nval;
        this.lx.next();
        return new ENum(v, line);
      }
      case T_STRING: {
        const s = this.lx.sval;
        this.lx.next();
        return new EStr(s, line);
      }
      case T_NIL:
        this.lx.next();
        return new Expr(E_NIL, line);
      case T_TRUE:
        this.lx.next();
        return new Expr(E_TRUE, line);
      case T_FALSE:
        this.lx.next();
        return new Expr(E_FALSE, line);
      case T_DOTS:
        if (!this.fs.info.isVararg) throw this.lx.syntaxError("cannot use '...' outside a vararg function");
        this.lx.next();
        return new Expr(E_VARARG, line);
      case 123:
        return this.tableCons();
      case T_FUNCTION:
        this.lx.next();
        return this.funcBody(false, line, 'anonymous');
      default:
        return this.suffixedExpr();
    }
  }

  primaryExpr(): Expr {
    const line = this.lx.tokLine;
    if (this.lx.tok === T_NAME) {
      const n = this.name();
      return this.resolve(n, line);
    }
    if (this.lx.tok === 40) {
      this.lx.next();
      const e = this.expr();
      this.checkMatch(41, 40, line);
      return new EParen(e, line);
    }
    throw this.lx.syntaxError('unexpected symbol');
  }

  suffixedExpr(): Expr {
    // like PUC, calls are on the line where the whole expression starts
    const startLine = this.lx.tokLine;
    let e = this.primaryExpr();
    for (;;) {
      const line = this.lx.tokLine;
      switch (this.lx.tok) {
        case 46: {
          this.lx.next();
          const n = this.name();
          e = new EIndex(e, new EStr(n, line), false, line);
          break;
        }
        case 91: {
          this.lx.next();
          const k = this.expr();
          this.checkNext(93);
          e = new EIndex(e, k, false, line);
          break;
        }
        case 58: {
          this.lx.next();
          const n = this.name();
          const args = this.callArgs();
          e = new EMethCall(e, n, args, startLine);
          break;
        }
        case 40:
        case T_STRING:
        case 123: {
          const args = this.callArgs();
          e = new ECall(e, args, startLine);
          break;
        }
        default:
          return e;
      }
    }
  }

  callArgs(): Expr[] {
    const line = this.lx.tokLine;
    if (this.lx.tok === T_STRING) {
      const s = this.lx.sval;
      this.lx.next();
      const a: Expr[] = [new EStr(s, line)];
      return a;
    }
    if (this.lx.tok === 123) {
      const a: Expr[] = [this.tableCons()];
      return a;
    }
    if (this.lx.tok !== 40) throw this.lx.syntaxError('function arguments expected');
    this.lx.next();
    let args: Expr[] = [];
    if ((this.lx.tok as number) !== 41) args = this.exprList();
    this.checkMatch(41, 40, line);
    return args;
  }

  tableCons(): Expr {
    const line = this.lx.tokLine;
    this.checkNext(123);
    const fields: TField[] = [];
    while (this.lx.tok !== 125) {
      if (this.lx.tok === T_NAME && this.lx.peek() === 61) {
        const kline = this.lx.tokLine;
        const n = this.name();
        this.lx.next();
        fields.push(new TField(new EStr(n, kline), this.expr()));
      } else if (this.lx.tok === 91) {
        this.lx.next();
        const k = this.expr();
        this.checkNext(93);
        this.checkNext(61);
        fields.push(new TField(k, this.expr()));
      } else {
        fields.push(new TField(null, this.expr()));
      }
      if (!this.testNext(44) && !this.testNext(59)) break;
    }
    this.checkMatch(125, 123, line);
    return new ETable(fields, line);
  }
}

/** Folds `-<numeral>` (so that -9223372036854775808 style constants stay numbers). */
function foldUnary(op: number, a: Expr, line: number): Expr {
  if (op === U_NEG && a.kind === E_NUM) {
    const v = (a as ENum).value;
    if (typeof v === 'number' && v !== 0) return new ENum(-v, line);
    if (v instanceof LFloat) return new ENum(new LFloat(-v.n), line);
  }
  return new EUn(op, a, line);
}

export { E_INDEX, E_VARARG };
