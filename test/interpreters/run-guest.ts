// Runs an interpreter's `main` on a program text in plain mode (no JIT) and
// captures what it writes. Shared by the interpreter tests.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CapturedOutput, setOutput } from '../../framework/host.js';

export interface GuestRun {
  readonly rc: number;
  readonly out: string;
  readonly err: string;
  /** Where the program was written: error messages name it. */
  readonly file: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metajit-guest-'));
let counter = 0;

/** Runs `main` on an existing file. */
export function runFile(main: (argv: readonly string[]) => number, file: string, args: readonly string[] = []): GuestRun {
  const sink = new CapturedOutput();
  const old = setOutput(sink);
  try {
    const rc = main([file, ...args]);
    return { rc, out: sink.out, err: sink.err, file };
  } finally {
    setOutput(old);
  }
}

/** Writes `source` to a fresh temp file named `*.ext` and runs `main` on it. */
export function runSource(
  main: (argv: readonly string[]) => number,
  source: string,
  ext: string,
  args: readonly string[] = [],
): GuestRun {
  const file = path.join(dir, `prog${counter++}.${ext}`);
  fs.writeFileSync(file, source);
  try {
    return runFile(main, file, args);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** The absolute path of an example program of an interpreter. */
export function examplePath(interpreter: string, name: string): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), '../../interpreters', interpreter, 'examples', name);
}
