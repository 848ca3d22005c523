import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { projectPath } from '../../core/index.js';

/** Where `tsc -p web` writes the browser's ES modules (web/*.ts and the pure src/vision files they import). */
export const webBuildDir = projectPath('dist', 'web');

/**
 * Our own browser JavaScript under `/static/app/`, read once at start. Revalidated on every use (no-cache +
 * ETag): the module graph imports by plain relative paths, so a versioned URL would not reach the imports.
 * Without a build the routes are simply absent and the pages work as plain HTML forms.
 */
export const webModuleRoutes: FastifyPluginAsync = async (app) => {
  const files = new Map<string, { body: Buffer; etag: string }>();
  for (const path of await listJs(webBuildDir)) {
    const body = await readFile(path);
    const name = relative(webBuildDir, path).split(sep).join('/');
    files.set(name, { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` });
  }
  if (files.size === 0) app.log.warn(`no browser modules in ${webBuildDir}: run "npm run build"`);
  app.get('/static/app/*', async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const file = files.get(name);
    if (!file) return reply.callNotFound();
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('etag', file.etag);
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.send(file.body);
  });
};

async function listJs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listJs(path)));
    else if (entry.name.endsWith('.js')) out.push(path);
  }
  return out;
}
