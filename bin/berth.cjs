#!/usr/bin/env node
// The `berth` command: runs the bundled CLI (built by `npm install`/`npm run build:node`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'cli', 'berth.cjs');
if (!existsSync(cli)) {
  process.stderr.write('berth: the CLI is not built yet. Run `npm run build:node` in the Berth folder.\n');
  process.exit(1);
}
require(cli);
