// A serializable description of one WebAssembly module, in the shape of the
// binaryen.js API, so that the main thread can lower traces without binaryen
// and a worker thread (compiler.ts) can replay the description against binaryen.
//
//   Expr  = { o: 'i32.add', a: [Expr, Expr] }      one binaryen builder call
//   Arg   = Expr | number | bigint | string | null | { t: WType } | Arg[]
//
// `o` is the dotted path of a binaryen.Module method (`m.i32.add`,
// `m.local.get`, `m.f64.convert_s.i32`, `m.block`, ...) and `a` its arguments in
// binaryen's own order: the worker resolves the path and calls it with the
// arguments converted (Expr -> ExpressionRef, {t} -> binaryen type, arrays
// element-wise). Nothing in here knows about traces; lower.ts builds these.
//
// For the trip to the worker the body is flattened (`encodeBody`): structured
// cloning a tree of objects costs more than binaryen itself on big traces
// (~13 ms for a 600-op trace), a Float64Array is transferred for free.
//
//   code (Float64Array), prefix order; strings and bigints in `strings`:
//     Expr    TAG_EXPR, index of `o` in strings, argument count, arguments...
//     number  TAG_NUM, value                (exact: -0 and NaN survive)
//     string  TAG_STR, index in strings
//     bigint  TAG_BIG, index of its decimal text in strings
//     null    TAG_NULL
//     {t}     TAG_TYPE, index of the type name in strings
//     Arg[]   TAG_LIST, length, elements...

export type WType = 'none' | 'i32' | 'i64' | 'f64' | 'externref';

export interface Expr {
  readonly o: string;
  readonly a: readonly Arg[];
}

export type Arg = Expr | number | bigint | string | null | { readonly t: WType } | readonly Arg[];

export interface FuncImport {
  readonly name: string;
  readonly module: string;
  readonly base: string;
  readonly params: readonly WType[];
  readonly result: WType;
}

export interface GlobalImport {
  readonly name: string;
  readonly module: string;
  readonly base: string;
  readonly type: WType;
  readonly mutable: boolean;
}

/** One module: imported memory, imported functions and globals, one exported function `run`. */
export interface ModuleDesc {
  readonly memory: { readonly module: string; readonly base: string; readonly initial: number; readonly maximum: number };
  readonly funcImports: readonly FuncImport[];
  readonly globalImports: readonly GlobalImport[];
  readonly params: readonly WType[];
  readonly result: WType;
  readonly vars: readonly WType[];
  readonly body: Expr;
}

const t = (type: WType) => ({ t: type });
const x = (o: string, ...a: Arg[]): Expr => ({ o, a });

/** Builders for the expressions lower.ts uses; anything else is `w.op('i32.rotl', a, b)`. */
export const w = {
  op: x,
  i32: (n: number) => x('i32.const', n | 0),
  f64: (v: number) => x('f64.const', v),
  i64: (v: bigint) => x('i64.const', v),
  get: (index: number, type: WType) => x('local.get', index, t(type)),
  set: (index: number, value: Expr) => x('local.set', index, value),
  global: (name: string, type: WType) => x('global.get', name, t(type)),
  block: (label: string | null, body: readonly Expr[], type: WType = 'none') => x('block', label, body, t(type)),
  loop: (label: string, body: Expr) => x('loop', label, body),
  if: (cond: Expr, then: Expr, otherwise?: Expr) => (otherwise === undefined ? x('if', cond, then) : x('if', cond, then, otherwise)),
  br: (label: string) => x('br', label),
  switch: (labels: readonly string[], fallback: string, cond: Expr) => x('switch', labels, fallback, cond),
  call: (name: string, args: readonly Expr[], result: WType) => x('call', name, args, t(result)),
  return: (value: Expr) => x('return', value),
  unreachable: () => x('unreachable'),
  refNull: () => x('ref.null', t('externref')),
  isNull: (value: Expr) => x('ref.is_null', value),
  /** Memory access at a constant address (`offset` from address 0). */
  load: (type: 'i32' | 'f64', offset: number) => x(`${type}.load`, offset, type === 'i32' ? 4 : 8, w.i32(0)),
  store: (type: 'i32' | 'f64', offset: number, value: Expr) => x(`${type}.store`, offset, type === 'i32' ? 4 : 8, w.i32(0), value),
};

export const TAG_EXPR = 0;
export const TAG_NUM = 1;
export const TAG_STR = 2;
export const TAG_BIG = 3;
export const TAG_NULL = 4;
export const TAG_TYPE = 5;
export const TAG_LIST = 6;

export interface EncodedBody {
  readonly code: Float64Array<ArrayBuffer>;
  readonly strings: readonly string[];
}

/** Flattens an expression tree (see the file header); the worker's `decode` is its inverse. */
export function encodeBody(body: Expr): EncodedBody {
  let code = new Float64Array(4096);
  let n = 0;
  const strings: string[] = [];
  const index = new Map<string, number>();
  const push = (x: number) => {
    if (n === code.length) {
      const bigger = new Float64Array(code.length * 2);
      bigger.set(code);
      code = bigger;
    }
    code[n++] = x;
  };
  const str = (x: string) => {
    let k = index.get(x);
    if (k === undefined) {
      index.set(x, (k = strings.length));
      strings.push(x);
    }
    return k;
  };
  const arg = (a: Arg): void => {
    if (typeof a === 'number') { push(TAG_NUM); push(a); return; }
    if (typeof a === 'string') { push(TAG_STR); push(str(a)); return; }
    if (typeof a === 'bigint') { push(TAG_BIG); push(str(a.toString())); return; }
    if (a === null) { push(TAG_NULL); return; }
    if (Array.isArray(a)) { push(TAG_LIST); push(a.length); for (const x of a as readonly Arg[]) arg(x); return; }
    if ('t' in a) { push(TAG_TYPE); push(str(a.t)); return; }
    expr(a as Expr);
  };
  const expr = (e: Expr): void => {
    push(TAG_EXPR);
    push(str(e.o));
    push(e.a.length);
    for (const x of e.a) arg(x);
  };
  expr(body);
  return { code: code.slice(0, n), strings };
}
