/**
 * `node worker-child.js <dist> <repository>`: the latency recipe's server, in this process, from the given
 * build's library, for the soak's kill-worker scenario: SIGUSR2 ends one worker thread abruptly (as an
 * out-of-memory kill of a thread would), SIGTERM drains and exits. A child, so a crash is the child's.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, repository] = process.argv.slice(2);
if (!dist || !repository) throw new Error('usage: worker-child.js <dist> <repository>');
const library = (path: string) => import(pathToFileURL(join(dist, 'src', path)).href);
const { startServer } = await library('server/index.js');
const { loadRecipe } = await library('recipes/index.js');
const server = await startServer({
  recipe: await loadRecipe('latency'),
  port: 0,
  host: '127.0.0.1',
  // Straight from the environment, not through readEnvironment: this child loads whichever build --dist names,
  // older ones included (the before/after comparison), and those predate the schema.
  store: { cacheDir: process.env.GOURMETGRAM_CACHE, mirrorDir: process.env.GOURMETGRAM_MODEL_MIRROR },
  repository,
  logger: false,
});
process.on('SIGUSR2', () => void server.manager.current?.killWorker?.());
process.once('SIGTERM', () => void server.drain().then(() => process.exit(0)));
process.stderr.write(`ready on ${server.url}\n`);
