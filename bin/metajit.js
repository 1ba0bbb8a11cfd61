#!/usr/bin/env node
// The `metajit` command. The CLI is TypeScript compiled to dist/ by `npm install`
// (the package's `prepare` script); this file only finds it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('metajit: not built yet; run `npm install` (or `npm run build`) in the metajit directory\n');
  process.exit(2);
}
const { runCli } = await import(cli.href);
process.exitCode = await runCli(process.argv.slice(2));
