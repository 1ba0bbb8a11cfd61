// The AST produced by parser.ts. Names are already resolved: a local reference points at
// its VarInfo, an upvalue reference carries its index, and a global `x` is `_ENV.x`.

import type { LuaValue } from './value.js';

// Expression kinds
export const E_NIL = 0;
export const E_TRUE = 1;
export const E_FALSE = 2;
export const E_VARARG = 3;
export const E_NUM = 4;
export const E_STR = 5;
export const E_LOCAL = 6;
export const E_UPVAL = 7;
export const E_INDEX = 8;
export const E_CALL = 9;
export const E_METHCALL = 10;
export const E_FUNC = 11;
export const E_TABLE = 12;
export const E_BIN = 13;
export const E_UN = 14;
export const E_PAREN = 15;

// Binary operators (the arithmetic/bitwise ones are in the order of the metamethod table)
export const B_ADD = 0;
export const B_SUB = 1;
export const B_MUL = 2;
export const B_MOD = 3;
export const B_POW = 4;
export const B_DIV = 5;
export const B_IDIV = 6;
export const B_BAND = 7;
export const B_BOR = 8;
export const B_BXOR = 9;
export const B_SHL = 10;
export const B_SHR = 11;
export const B_CONCAT = 12;
export const B_EQ = 13;
export const B_NE = 14;
export const B_LT = 15;
export const B_LE = 16;
export const B_GT = 17;
export const B_GE = 18;
export const B_AND = 19;
export const B_OR = 20;

export const U_NEG = 0;
export const U_NOT = 1;
export const U_LEN = 2;
export const U_BNOT = 3;

export const ATTR_NONE = 0;
export const ATTR_CONST = 1;
export const ATTR_CLOSE = 2;

export class VarInfo {
  readonly name: string;
  readonly attrib: number;
  /** Referenced from an inner function: lives in a Box. */
  captured: boolean = false;
  /** Register, assigned by the compiler when the declaration is compiled. */
  reg: number = -1;
  /** For a <const> local initialized with a literal: the literal (no register). */
  constExpr: Expr | null = null;
  constructor(name: string, attrib: number) {
    this.name = name;
    this.attrib = attrib;
  }
}

export class UpvalDesc {
  readonly name: string;
  /** True: a local of the enclosing function (var); false: its upvalue number `index`. */
  readonly inParentLocal: boolean;
  readonly parentVar: VarInfo | null;
  readonly index: number;
  constructor(name: string, inParentLocal: boolean, parentVar: VarInfo | null, index: number) {
    this.name = name;
    this.inParentLocal = inParentLocal;
    this.parentVar = parentVar;
    this.index = index;
  }
}

export class Expr {
  readonly kind: number;
  readonly line: number;
  constructor(kind: number, line: number) {
    this.kind = kind;
    this.line = line;
  }
}

export class ENum extends Expr {
  readonly value: LuaValue;
  constructor(value: LuaValue, line: number) {
    super(E_NUM, line);
    this.value = value;
  }
}

export class EStr extends Expr {
  readonly value: string;
  constructor(value: string, line: number) {
    super(E_STR, line);
    this.value = value;
  }
}

export class ELocal extends Expr {
  readonly v: VarInfo;
  constructor(v: VarInfo, line: number) {
    super(E_LOCAL, line);
    this.v = v;
  }
}

export class EUpval extends Expr {
  readonly idx: number;
  readonly name: string;
  constructor(idx: number, name: string, line: number) {
    super(E_UPVAL, line);
    this.idx = idx;
    this.name = name;
  }
}

export class EIndex extends Expr {
  readonly obj: Expr;
  readonly key: Expr;
  /** `_ENV.name` written as a plain name (error messages say "global"). */
  readonly isGlobal: boolean;
  constructor(obj: Expr, key: Expr, isGlobal: boolean, line: number) {
    super(E_INDEX, line);
    this.obj = obj;
    this.key = key;
    this.isGlobal = isGlobal;
  }
}

export class ECall extends Expr {
  readonly fn: Expr;
  readonly args: Expr[];
  constructor(fn: Expr, args: Expr[], line: number) {
    super(E_CALL, line);
    this.fn = fn;
    this.args = args;
  }
}

export class EMethCall extends Expr {
  readonly obj: Expr;
  readonly name: string;
  readonly args: Expr[];
  constructor(obj: Expr, name: string, args: Expr[], line: number) {
    super(E_METHCALL, line);
    this.obj = obj;
    this.name = name;
    this.args = args;
  }
}

export class EFunc extends Expr {
  readonly f: FuncInfo;
  constructor(f: FuncInfo, line: number) {
    super(E_FUNC, line);
    this.f = f;
  }
}

export class TField {
  /** null for positional items. */
  readonly key: Expr | null;
  readonly value: Expr;
  constructor(key: Expr | null, value: Expr) {
    this.key = key;
    this.value = value;
  }
}

export class ETable extends Expr {
  readonly fields: TField[];
  constructor(fields: TField[], line: number) {
    super(E_TABLE, line);
    this.fields = fields;
  }
}

export class EBin extends Expr {
  readonly op: number;
  readonly a: Expr;
  readonly b: Expr;
  constructor(op: number, a: Expr, b: Expr, line: number) {
    super(E_BIN, line);
    this.op = op;
    this.a = a;
    this.b = b;
  }
}

export class EUn extends Expr {
  readonly op: number;
  readonly a: Expr;
  constructor(op: number, a: Expr, line: number) {
    super(E_UN, line);
    this.op = op;
    this.a = a;
  }
}

export class EParen extends Expr {
  readonly e: Expr;
  constructor(e: Expr, line: number) {
    super(E_PAREN, line);
    this.e = e;
  }
}

// Statements
export const S_LOCAL = 0;
export const S_ASSIGN = 1;
export const S_CALL = 2;
export const S_DO = 3;
export const S_WHILE = 4;
export const S_REPEAT = 5;
export const S_IF = 6;
export const S_NUMFOR = 7;
export const S_GENFOR = 8;
export const S_LOCALFUNC = 9;
export const S_RETURN = 10;
export const S_BREAK = 11;
export const S_GOTO = 12;
export const S_LABEL = 13;

export class Stmt {
  readonly kind: number;
  readonly line: number;
  constructor(kind: number, line: number) {
    this.kind = kind;
    this.line = line;
  }
}

export class Block {
  readonly stmts: Stmt[];
  constructor(stmts: Stmt[]) {
    this.stmts = stmts;
  }
}

export class SLocal extends Stmt {
  readonly vars: VarInfo[];
  readonly exprs: Expr[];
  constructor(vars: VarInfo[], exprs: Expr[], line: number) {
    super(S_LOCAL, line);
    this.vars = vars;
    this.exprs = exprs;
  }
}

export class SAssign extends Stmt {
  readonly targets: Expr[];
  readonly exprs: Expr[];
  constructor(targets: Expr[], exprs: Expr[], line: number) {
    super(S_ASSIGN, line);
    this.targets = targets;
    this.exprs = exprs;
  }
}

export class SCall extends Stmt {
  readonly call: Expr;
  constructor(call: Expr, line: number) {
    super(S_CALL, line);
    this.call = call;
  }
}

export class SDo extends Stmt {
  readonly body: Block;
  constructor(body: Block, line: number) {
    super(S_DO, line);
    this.body = body;
  }
}

export class SWhile extends Stmt {
  readonly cond: Expr;
  readonly body: Block;
  constructor(cond: Expr, body: Block, line: number) {
    super(S_WHILE, line);
    this.cond = cond;
    this.body = body;
  }
}

export class SRepeat extends Stmt {
  readonly body: Block;
  readonly cond: Expr;
  constructor(body: Block, cond: Expr, line: number) {
    super(S_REPEAT, line);
    this.body = body;
    this.cond = cond;
  }
}

export class SIf extends Stmt {
  readonly conds: Expr[];
  readonly blocks: Block[];
  readonly elseBlock: Block | null;
  constructor(conds: Expr[], blocks: Block[], elseBlock: Block | null, line: number) {
    super(S_IF, line);
    this.conds = conds;
    this.blocks = blocks;
    this.elseBlock = elseBlock;
  }
}

export class SNumFor extends Stmt {
  readonly v: VarInfo;
  readonly start: Expr;
  readonly limit: Expr;
  readonly step: Expr | null;
  readonly body: Block;
  constructor(v: VarInfo, start: Expr, limit: Expr, step: Expr | null, body: Block, line: number) {
    super(S_NUMFOR, line);
    this.v = v;
    this.start = start;
    this.limit = limit;
    this.step = step;
    this.body = body;
  }
}

export class SGenFor extends Stmt {
  readonly vars: VarInfo[];
  readonly exprs: Expr[];
  readonly body: Block;
  constructor(vars: VarInfo[], exprs: Expr[], body: Block, line: number) {
    super(S_GENFOR, line);
    this.vars = vars;
    this.exprs = exprs;
    this.body = body;
  }
}

export class SLocalFunc extends Stmt {
  readonly v: VarInfo;
  readonly func: EFunc;
  constructor(v: VarInfo, func: EFunc, line: number) {
    super(S_LOCALFUNC, line);
    this.v = v;
    this.func = func;
  }
}

export class SReturn extends Stmt {
  readonly exprs: Expr[];
  constructor(exprs: Expr[], line: number) {
    super(S_RETURN, line);
    this.exprs = exprs;
  }
}

export class SGoto extends Stmt {
  readonly label: string;
  constructor(label: string, line: number) {
    super(S_GOTO, line);
    this.label = label;
  }
}

export class SLabel extends Stmt {
  readonly name: string;
  constructor(name: string, line: number) {
    super(S_LABEL, line);
    this.name = name;
  }
}

export class FuncInfo {
  readonly params: VarInfo[] = [];
  isVararg: boolean = false;
  body: Block = new Block([]);
  readonly upvals: UpvalDesc[] = [];
  readonly line: number;
  lastLine: number = 0;
  name: string;
  constructor(line: number, name: string) {
    this.line = line;
    this.name = name;
  }
}
