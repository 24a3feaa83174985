/**
 * Global setup of both test runners (vitest and Playwright): finds or downloads the Defang samples
 * corpus once per run and hands its folder to the workers through the environment. When it cannot
 * be had, only the tests that read it fail (with the one line saying how to provide it).
 */
import { CorpusUnavailable, ensureCorpus } from './locate';

/** Runs before any worker starts; workers inherit process.env. */
export default async function setup(): Promise<void> {
  try {
    process.env.BERTH_CORPUS_DIR = await ensureCorpus();
    delete process.env.BERTH_CORPUS_ERROR;
  } catch (e) {
    if (!(e instanceof CorpusUnavailable)) throw e;
    process.env.BERTH_CORPUS_ERROR = e.message;
    console.error(e.message);
  }
}
