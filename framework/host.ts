// Host services for interpreters: output, input and files. Interpreters call
// these instead of Node APIs so that the CLI and tests can capture output, and
// so that the codewriter knows them as residual calls with side effects.

import * as fs from 'node:fs';

/** Where guest output goes. The CLI writes to the process; tests collect strings. */
export interface OutputSink {
  write(text: string): void;
  writeError(text: string): void;
}

class ProcessOutput implements OutputSink {
  private buf: string[] = [];
  private size = 0;
  write(text: string): void {
    this.buf.push(text);
    this.size += text.length;
    if (this.size > 1 << 16) this.flush();
  }
  writeError(text: string): void {
    this.flush();
    fs.writeSync(2, text);
  }
  flush(): void {
    if (this.buf.length === 0) return;
    fs.writeSync(1, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
}

/** Collects output in memory (tests, the property-testing API). */
export class CapturedOutput implements OutputSink {
  out = '';
  err = '';
  write(text: string): void {
    this.out += text;
  }
  writeError(text: string): void {
    this.err += text;
  }
}

const processOutput = new ProcessOutput();

// The one piece of process-wide state: the current output sink (like stdout itself).
const hostState: { sink: OutputSink } = { sink: processOutput };

/** Redirects guest output; returns the previous sink. */
export function setOutput(sink: OutputSink | null): OutputSink {
  const old = hostState.sink;
  hostState.sink = sink ?? processOutput;
  return old;
}

export function flushOutput(): void {
  processOutput.flush();
}

/** Writes guest output (stdout). */
export function hostWrite(text: string): void {
  hostState.sink.write(text);
}

/** Writes guest diagnostics (stderr). */
export function hostWriteError(text: string): void {
  hostState.sink.writeError(text);
}

/** Reads a whole file as UTF-8 text; throws a HostError naming the file if it cannot. */
export function hostReadFile(path: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new HostError(`cannot open ${path}`);
  }
}

/** Reads a whole file as bytes (Latin-1 string, one char per byte). */
export function hostReadFileBytes(path: string): string {
  try {
    return fs.readFileSync(path).toString('latin1');
  } catch (e) {
    throw new HostError(`cannot open ${path}`);
  }
}

/** An error raised by a host service (missing file, ...). */
export class HostError extends Error {}
