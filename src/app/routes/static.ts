import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { projectPath } from '../../core/index.js';

/** Browser assets: the files under web/, by @fastify/static (ETag, ranges, no path escapes, 404 for the rest). */
export const staticRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: projectPath('web'),
    prefix: '/static/',
    // Dotfiles, directory listings and index files are never assets of ours.
    dotfiles: 'deny',
    index: false,
    list: false,
    maxAge: 3600 * 1000,
    // web/ also holds the TypeScript sources of our browser modules; only their build is served (/static/app/).
    allowedPath: (path) => /\.(css|svg)$/.test(path),
  });
};
