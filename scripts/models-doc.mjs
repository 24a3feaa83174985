// Rewrites the generated tables of docs/models.md from shared/domain/models.ts and electron/plan/gpu.ts.
// Usage, from the repository root: node scripts/models-doc.mjs
import { runTs } from './run-ts.mjs';

await runTs('models-doc-render', process.argv.slice(2));
