import { parseArgs } from 'node:util';
import { appDefaults, startApp } from '../app/index.js';
import { serverLimitsSchema } from '../http/index.js';
import { loadRecipe } from '../recipes/index.js';
import type { Environment } from './environment.js';
import { UsageError } from './errors.js';
import { storeOptions } from './store-options.js';

const usage = `usage: gourmetgram app [--port <p>] [--host <h>] [--data-dir <dir>] [--recipe <file|name>]
                       [--database-url <postgres://…>] [--inference-url <http://…>] [--inference-model <name>]
                       [--s3-endpoint <http://…> --s3-bucket <name>]
                       [--trust-proxy <true|addresses>] [--secure-cookies <auto|always|never>]
                       [--correction-quorum <n>] [--uploads-per-minute <n>] [--max-connections <n>]
                       [--request-timeout-s <s>]
Runs the GourmetGram web app (defaults: port 3000, ./data, recipe latency, SQLite, in-process classifier).
Environment: GOURMETGRAM_PORT, GOURMETGRAM_DATA_DIR, GOURMETGRAM_DATABASE_URL, GOURMETGRAM_INFERENCE_URL,
GOURMETGRAM_INFERENCE_MODEL, GOURMETGRAM_S3_ENDPOINT, GOURMETGRAM_S3_BUCKET, GOURMETGRAM_S3_ACCESS_KEY,
GOURMETGRAM_S3_SECRET_KEY, GOURMETGRAM_S3_REGION (photos in that bucket, not <data-dir>/blobs),
GOURMETGRAM_ADMIN_TOKEN (enables admin actions), GOURMETGRAM_APP_SECRET (CSRF key shared by replicas),
GOURMETGRAM_TRUST_PROXY, GOURMETGRAM_SECURE_COOKIES, GOURMETGRAM_CORRECTION_QUORUM, GOURMETGRAM_UPLOADS_PER_MINUTE,
GOURMETGRAM_MAX_CONNECTIONS, GOURMETGRAM_REQUEST_TIMEOUT_S.`;

export async function run(argv: string[], env: Environment): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      recipe: { type: 'string' },
      'database-url': { type: 'string' },
      'inference-url': { type: 'string' },
      'inference-model': { type: 'string' },
      'heads-dir': { type: 'string' },
      's3-endpoint': { type: 'string' },
      's3-bucket': { type: 'string' },
      'trust-proxy': { type: 'string' },
      'secure-cookies': { type: 'string' },
      'correction-quorum': { type: 'string' },
      'max-connections': { type: 'string' },
      'request-timeout-s': { type: 'string' },
      'uploads-per-minute': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const port = Number(values.port ?? env.values.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${values.port} is not a port`);
  const s3Endpoint = values['s3-endpoint'] ?? env.values.S3_ENDPOINT;
  const s3Bucket = values['s3-bucket'] ?? env.values.S3_BUCKET;
  if (Boolean(s3Endpoint) !== Boolean(s3Bucket))
    throw new UsageError('--s3-endpoint and --s3-bucket go together');
  const s3 =
    s3Endpoint && s3Bucket
      ? {
          endpoint: s3Endpoint,
          bucket: s3Bucket,
          accessKey: env.values.S3_ACCESS_KEY ?? '',
          secretKey: env.values.S3_SECRET_KEY ?? '',
          region: env.values.S3_REGION,
        }
      : undefined;
  const recipe = await loadRecipe(values.recipe ?? env.values.RECIPE ?? 'latency');
  const trustProxyText = values['trust-proxy'] ?? env.values.TRUST_PROXY ?? 'false';
  // Fastify's trustProxy: a boolean, or the proxies' addresses/CIDRs whose X-Forwarded-* headers to believe.
  const trustProxy = trustProxyText === 'true' ? true : trustProxyText === 'false' ? false : trustProxyText;
  const secureText = values['secure-cookies'] ?? env.values.SECURE_COOKIES ?? 'auto';
  const secureCookies = ({ auto: 'auto', always: true, never: false } as const)[
    secureText as 'auto' | 'always' | 'never'
  ];
  if (secureCookies === undefined)
    throw new Error(`--secure-cookies ${secureText}: use auto, always or never`);
  const correctionQuorum = positiveInteger(
    '--correction-quorum',
    values['correction-quorum'] ?? env.values.CORRECTION_QUORUM ?? '3',
  );
  const uploadsPerMinute = positiveInteger(
    '--uploads-per-minute',
    values['uploads-per-minute'] ?? env.values.UPLOADS_PER_MINUTE ?? String(appDefaults.uploadsPerMinute),
  );
  // The recipe's serving.http limits, with the two an operator most often changes as flags.
  const recipeLimits = recipe.serving.http;
  const maxConnections = values['max-connections'] ?? env.values.MAX_CONNECTIONS;
  const requestTimeout = values['request-timeout-s'] ?? env.values.REQUEST_TIMEOUT_S;
  const limits = serverLimitsSchema.parse({
    ...recipeLimits,
    ...(maxConnections ? { max_connections: positiveInteger('--max-connections', maxConnections) } : {}),
    ...(requestTimeout
      ? { request_timeout_ms: 1000 * positiveInteger('--request-timeout-s', requestTimeout) }
      : {}),
  });
  const config = {
    port,
    host: values.host ?? env.values.HOST ?? '0.0.0.0',
    dataDir: values['data-dir'] ?? env.values.DATA_DIR ?? './data',
    recipe,
    store: storeOptions(env, values['heads-dir']),
    databaseUrl: values['database-url'] ?? env.values.DATABASE_URL,
    inferenceUrl: values['inference-url'] ?? env.values.INFERENCE_URL,
    inferenceModel: values['inference-model'] ?? env.values.INFERENCE_MODEL,
    s3,
    adminToken: env.values.ADMIN_TOKEN,
    secret: env.values.APP_SECRET,
    logLevel: env.logLevel,
    trustProxy,
    secureCookies,
    correctionQuorum,
    uploadsPerMinute,
    limits,
  };
  process.stderr.write(
    `${JSON.stringify({
      msg: 'effective configuration',
      port: config.port,
      host: config.host,
      data_dir: config.dataDir,
      recipe: recipe.name,
      blobs: s3 ? `s3 ${s3.endpoint}/${s3.bucket}` : 'folder',
      database: config.databaseUrl ? config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@') : 'sqlite',
      classifier: config.inferenceUrl ? `remote ${config.inferenceUrl}` : `in-process ${recipe.serving.mode}`,
      admin: config.adminToken ? 'enabled' : 'disabled',
      csrf_secret: config.secret ? 'shared (GOURMETGRAM_APP_SECRET)' : 'random per process',
      trust_proxy: trustProxy,
      secure_cookies: secureText,
      hsts: 'when the request came over HTTPS',
      correction_quorum: correctionQuorum,
      uploads_per_minute: uploadsPerMinute,
      corrections_per_minute: appDefaults.correctionsPerMinute,
      http_limits: limits,
    })}\n`,
  );
  const running = await startApp(config);
  process.stderr.write(`GourmetGram is open on http://localhost:${port}/ (${running.url})\n`);
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      running.app.log.info({ signal }, 'shutting down');
      running.close().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : error}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${flag} ${text} is not a positive whole number`);
  return value;
}
