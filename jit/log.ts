// `--jit-log`: every compiled trace and bridge in the trace text format (guest
// locations appear as debug_merge_point ops), and every abort with its reason.

import { ABORTS, type AbortReason } from './aborts.js';
import type { Trace } from './ir/trace.js';
import { printTrace } from './ir/print.js';

export interface JitLogSink {
  write(text: string): void;
}

export class JitLog {
  constructor(private readonly sink: JitLogSink) {}

  compiled(what: 'loop' | 'bridge', trace: Trace): void {
    this.sink.write(`# ${what} compiled: ${trace.name}\n${printTrace(trace)}\n`);
  }

  aborted(reason: AbortReason, location: string): void {
    this.sink.write(`# trace aborted at ${location || '?'}: ${reason} (${ABORTS[reason]})\n`);
  }

  note(text: string): void {
    this.sink.write(`# ${text}\n`);
  }
}
