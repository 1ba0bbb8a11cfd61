// Why a trace was abandoned, one row each. Aborts are logged with the guest
// location; a key that keeps aborting is blacklisted (params.max_aborts).

export const ABORTS = {
  trace_too_long: 'the trace grew past trace_limit ops',
  residual_raised: 'a residual call raised an exception while tracing',
  exception_escaped: 'an exception left the portal while tracing',
  portal_returned: 'the portal returned while tracing (the guest loop ended)',
  invalidated: 'a quasi-immutable field the trace relies on changed while tracing',
  green_not_constant: 'a green could not be made constant',
  virtualizable_shape: 'the loop closes on a virtualizable of another shape (array lengths differ)',
  portal_loop: 'a guest call traced into has a loop of its own: that call is a call from now on',
} as const;

export type AbortReason = keyof typeof ABORTS;
