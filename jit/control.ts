// The exceptions the JIT runtime uses to hand control back to the portal's
// runner (RPython's ContinueRunningNormally and DoneWithThisFrame), plus
// PortalRaised: a guest exception that, in the guest's own execution, left the
// portal frame while compiled code or the blackhole ran it, and must therefore
// leave the portal again rather than be caught where `canEnterJit` was called.
//
// They all extend JitControl. The loader makes every `catch` in interpreter code
// rethrow a JitControl first (`rethrowJitControl`), so an interpreter's own
// try/catch around a back-edge never sees them.

export abstract class JitControl {
  constructor(readonly runtime: object) {}
}

/** Unwind the portal's JS frame; the runner re-enters the portal with `args`. */
export class ContinueRunningNormally extends JitControl {
  constructor(runtime: object, readonly args: unknown[]) {
    super(runtime);
  }
}

/** Unwind the portal's JS frame; the runner returns `value` from the portal. */
export class DoneWithThisFrame extends JitControl {
  constructor(runtime: object, readonly value: unknown) {
    super(runtime);
  }
}

/** Unwind the portal's JS frame; the runner throws `value` from the portal. */
export class PortalRaised extends JitControl {
  constructor(runtime: object, readonly value: unknown) {
    super(runtime);
  }
}

/** Called first in every `catch` of interpreter code (inserted by the loader). */
export function rethrowJitControl(e: unknown): void {
  if (e instanceof JitControl) throw e;
}
