// Benchmark: the renderer bundle's size, gzipped as a server would send it. Splits what the
// start-up page loads (index.html's scripts, styles and preloads) from chunks loaded later
// (the architecture diagram's layout engine), against the floor of React + ReactDOM alone
// (production builds) gzipped in the same run. Target: under 400 KB gzip. Needs `npx vite build`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = 'dist/renderer';
if (!existsSync(join(dist, 'index.html'))) {
  console.error('dist/renderer is missing: run `npx vite build` first.');
  process.exit(1);
}
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initialNames = new Set([...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+)"/g)].map((m) => m[1]));
let initial = 0;
let later = 0;
const rows = {};
for (const name of readdirSync(join(dist, 'assets')).sort()) {
  const size = gz(readFileSync(join(dist, 'assets', name)));
  const atStart = initialNames.has(name);
  if (atStart) initial += size;
  else later += size;
  rows[name] = { gzip: kb(size), loaded: atStart ? 'at start' : 'on demand' };
}
initial += gz(Buffer.from(html));

const reactFiles = ['node_modules/react/cjs/react.production.js', 'node_modules/react-dom/cjs/react-dom-client.production.js'].filter(existsSync);
const floor = reactFiles.reduce((sum, f) => sum + gz(readFileSync(f)), 0);

console.table(rows);
console.table({
  'loaded at start (html + entry js + css)': { gzip: kb(initial) },
  'loaded on demand (diagram layout engine)': { gzip: kb(later) },
  'everything': { gzip: kb(initial + later) },
  'floor: React + ReactDOM alone': { gzip: kb(floor) },
});
console.log(`start-up bundle ${(initial / floor).toFixed(1)}x the React floor; target under 400 KB: start-up ${initial < 400 * 1024 ? 'met' : 'NOT met'}, everything ${initial + later < 400 * 1024 ? 'met' : 'NOT met'}`);
