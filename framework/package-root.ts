// Where metajit itself is installed: the directory whose package.json names it.
// Used to find bundled interpreters, the framework's source and the cache.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && (JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'metajit') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('metajit: cannot find its package root');
    dir = up;
  }
}
