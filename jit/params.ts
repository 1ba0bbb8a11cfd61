// Every JIT tunable, one row each: name, default, what it controls. The CLI's
// `--jit-param name=value` help is generated from this table.

export const PARAMS = {
  threshold: { default: 200, doc: 'loop iterations (canEnterJit calls at one green key) before tracing starts' },
  bridge_threshold: { default: 20, doc: 'failures of one guard before a bridge is traced from it' },
  trace_limit: { default: 6000, doc: 'trace ops after which tracing aborts' },
  max_inline_depth: { default: 30, doc: 'nesting of inlined interpreter calls before calls become residual' },
  max_unroll_recursion: { default: 3, doc: 'how often one function may appear on the inlining stack' },
  inline_portal: { default: 1, doc: 'trace into recursive calls of the portal (guest calls) instead of calling them (0: call)' },
  max_bridge_depth: { default: 32, doc: 'bridges in a chain (a bridge from a guard of a bridge ...) before its guards stay in the interpreter' },
  max_aborts: { default: 3, doc: 'aborted traces at one green key (or guard) before it is never traced again' },
} as const satisfies Record<string, { default: number; doc: string }>;

export type ParamName = keyof typeof PARAMS;
export type JitParams = Record<ParamName, number>;

export function defaultParams(): JitParams {
  const out = {} as JitParams;
  for (const k of Object.keys(PARAMS) as ParamName[]) out[k] = PARAMS[k].default;
  return out;
}

/** Applies `name=value` settings; throws with the list of parameters on a bad name. */
export function applyParam(params: JitParams, setting: string): void {
  const m = /^([a-z_]+)=(-?\d+)$/.exec(setting);
  if (!m) throw new Error(`--jit-param expects name=integer, got '${setting}'`);
  if (!(m[1] in PARAMS)) throw new Error(`unknown JIT parameter '${m[1]}'; known: ${Object.keys(PARAMS).join(', ')}`);
  params[m[1] as ParamName] = Number(m[2]);
}

export function paramsHelp(): string {
  return (Object.keys(PARAMS) as ParamName[]).map((k) => `  ${k.padEnd(22)} ${String(PARAMS[k].default).padStart(6)}  ${PARAMS[k].doc}`).join('\n');
}
