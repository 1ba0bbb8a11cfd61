// The API an interpreter author imports: the JitDriver and the hints.
//
// In plain execution every hint is (nearly) free: `jitMergePoint` does nothing,
// `canEnterJit` counts loop iterations, `promote(x)` returns x. The meaning of the
// hints appears when the framework traces the interpreter: see ARCHITECTURE.md.
//
// Function-level hints are JSDoc tags, read by the codewriter from the source:
//   /** @elidable */        calls with equal arguments give equal results and have
//                           no visible effects: folded when the arguments are
//                           constants, otherwise recorded as one call (never inlined).
//   /** @dontLookInside */  never traced into; recorded as a residual call.
//   /** @unrollSafe */      contains loops but may be inlined (its loops unroll).
// Field-level hints:
//   `readonly` fields        immutable: reads on a constant object fold away.
//   /** @quasiImmutable */  rarely written: reads on a constant object fold away
//                           behind `guard_not_invalidated`; a write invalidates
//                           every trace that relied on the old value.

/** What the JIT attaches to a driver; plain execution runs without one. */
export interface DriverHooks {
  canEnterJit(args: unknown[]): void;
  /** canEnterJit that returns the portal's arguments to go on with (or null) instead of throwing them. */
  enterOrContinue(args: unknown[]): unknown[] | null;
  runPortal(inner: (...args: unknown[]) => unknown, args: unknown[]): unknown;
}

export interface JitDriverSpec {
  /** Names of the portal parameters that identify a guest program position. */
  readonly greens: readonly string[];
  /** Names of the other portal parameters (all the rest of the live state). */
  readonly reds: readonly string[];
  /** Reds whose listed fields the JIT keeps in registers while in compiled code. */
  readonly virtualizables?: readonly string[];
  /** A readable guest location for a green key, for `--jit-log`. */
  readonly getPrintableLocation?: (...greens: never[]) => string;
}

/**
 * Marks the interpreter's dispatch loop. The function that calls
 * `jitMergePoint` is the *portal*; its parameters must be exactly the greens and
 * the reds (in any order), and `jitMergePoint` must be the first statement of the
 * dispatch loop's body. Code before the loop may run again when the JIT hands
 * control back to the interpreter, so it must only read the parameters.
 */
export class JitDriver {
  readonly greens: readonly string[];
  readonly reds: readonly string[];
  readonly virtualizables: readonly string[];
  readonly getPrintableLocation: ((...greens: never[]) => string) | null;
  /** Set by the framework when the JIT is on. */
  hooks: DriverHooks | null = null;

  constructor(spec: JitDriverSpec) {
    this.greens = [...spec.greens];
    this.reds = [...spec.reds];
    this.virtualizables = [...(spec.virtualizables ?? [])];
    this.getPrintableLocation = spec.getPrintableLocation ?? null;
    const seen = new Set<string>();
    for (const name of [...this.greens, ...this.reds]) {
      if (seen.has(name)) throw new Error(`JitDriver: '${name}' is listed twice among greens and reds`);
      seen.add(name);
    }
    for (const v of this.virtualizables) {
      if (!this.reds.includes(v)) throw new Error(`JitDriver: virtualizable '${v}' must be one of the reds`);
    }
  }

  /** Head of the dispatch loop. Arguments: the greens, then the reds, in declared order. */
  jitMergePoint(..._greensThenReds: unknown[]): void {}

  /** At a guest back-edge: the values the next `jitMergePoint` will see (greens, then reds). */
  canEnterJit(...greensThenReds: unknown[]): void {
    const hooks = this.hooks;
    if (hooks !== null) hooks.canEnterJit(greensThenReds);
  }

  /**
   * What the loader turns a `canEnterJit` statement of the portal's dispatch loop
   * into (interpreter code never calls it): the portal's arguments, in parameter
   * order, to continue the loop with, or null when the interpreter goes on.
   */
  enterOrContinue(...greensThenReds: unknown[]): unknown[] | null {
    const hooks = this.hooks;
    return hooks === null ? null : hooks.enterOrContinue(greensThenReds);
  }

  /**
   * Wraps the portal function; the framework's loader does this, interpreter code
   * never calls it. Plain execution calls the portal directly.
   */
  wrapPortal<F extends (...args: never[]) => unknown>(inner: F): F {
    const runner = (...args: unknown[]): unknown => {
      const hooks = this.hooks;
      if (hooks === null) return (inner as unknown as (...a: unknown[]) => unknown)(...args);
      return hooks.runPortal(inner as unknown as (...a: unknown[]) => unknown, args);
    };
    return runner as unknown as F;
  }
}

/** Turns `x` into a constant in the trace (behind a guard on its current value). */
export function promote<T>(x: T): T {
  return x;
}

/** True in traced and blackholed code, false in plain execution. */
export function weAreJitted(): boolean {
  return false;
}

/**
 * An array or typed array whose items never change after it is made (RPython's
 * `_immutable_fields_ = ['code[*]']`): reads with a constant index from a
 * constant array fold while tracing, so bytecode fetch disappears from traces.
 * `readonly T[]` says the same for plain arrays; this is for typed arrays.
 */
export type ImmutableArray<A> = A & { readonly __metajitImmutableItems: true };

/** Marks `items` as never changing again (identity at run time). */
export function immutableArray<A>(items: A): ImmutableArray<A> {
  return items as ImmutableArray<A>;
}
