import { basename, dirname, resolve } from 'node:path';
import { type AppConfig, appDefaults, startApp } from '../app/index.js';
import type { Environment } from '../core/index.js';
import { serverLimitsSchema } from '../http/index.js';
import { loadRecipe, type Recipe } from '../recipes/index.js';
import { readVersion } from '../server/index.js';
import { UsageError } from './errors.js';
import { storeOptions } from './store-options.js';
import { defineVerb, numberFlag, portFlag, untilSignal, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram app [--port <p>] [--host <h>] [--data-dir <dir>] [--recipe <file|name>]
                       [--database-url <postgres://…>] [--inference-url <http://…>] [--inference-model <name>]
                       [--s3-endpoint <http://…> --s3-bucket <name>]
                       [--trust-proxy <true|addresses>] [--secure-cookies <auto|always|never>]
                       [--correction-quorum <n>] [--uploads-per-minute <n>] [--max-connections <n>]
                       [--request-timeout-s <s>] [--shadow-model <repository>/<name>/<version>]
Runs the GourmetGram web app (defaults: port 3000, ./data, recipe latency, SQLite, in-process classifier).
--shadow-model: a candidate version from a model repository (gourmetgram serve's layout) classifies every upload
too, after the answer; logged and compared on /admin/dashboard, never shown.
Environment: GOURMETGRAM_PORT, GOURMETGRAM_DATA_DIR, GOURMETGRAM_DATABASE_URL, GOURMETGRAM_INFERENCE_URL,
GOURMETGRAM_INFERENCE_MODEL, GOURMETGRAM_S3_ENDPOINT, GOURMETGRAM_S3_BUCKET, GOURMETGRAM_S3_ACCESS_KEY,
GOURMETGRAM_S3_SECRET_KEY, GOURMETGRAM_S3_REGION (photos in that bucket, not <data-dir>/blobs),
GOURMETGRAM_ADMIN_TOKEN (enables admin actions), GOURMETGRAM_APP_SECRET (CSRF key shared by replicas),
GOURMETGRAM_TRUST_PROXY, GOURMETGRAM_SECURE_COOKIES, GOURMETGRAM_CORRECTION_QUORUM, GOURMETGRAM_UPLOADS_PER_MINUTE,
GOURMETGRAM_MAX_CONNECTIONS, GOURMETGRAM_REQUEST_TIMEOUT_S, GOURMETGRAM_LOG_RETENTION_DAYS.`;

const options = {
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
  'shadow-model': { type: 'string' },
} as const;

export const run = defineVerb({ usage, options, run: ({ values }, env) => app(values, env) });

type AppValues = VerbValues<typeof options>;

async function app(values: AppValues, env: Environment): Promise<number> {
  const port = values.port === undefined ? (env.port ?? 3000) : portFlag('port', values.port);
  const recipe = await loadRecipe(values.recipe ?? env.recipe ?? 'latency');
  const whole = { integer: true } as const;
  const config = {
    port,
    host: values.host ?? env.host ?? '0.0.0.0',
    dataDir: values['data-dir'] ?? env.dataDir ?? './data',
    recipe,
    store: storeOptions(env, values['heads-dir']),
    databaseUrl: values['database-url'] ?? env.databaseUrl,
    inferenceUrl: values['inference-url'] ?? env.inferenceUrl,
    inferenceModel: values['inference-model'] ?? env.inferenceModel,
    s3: s3Options(values, env),
    adminToken: env.adminToken,
    secret: env.appSecret,
    logLevel: env.logLevel,
    ...proxyAndCookies(values, env),
    correctionQuorum: numberFlag(
      'correction-quorum',
      values['correction-quorum'] ?? env.correctionQuorum,
      whole,
    ),
    uploadsPerMinute: numberFlag(
      'uploads-per-minute',
      values['uploads-per-minute'] ?? env.uploadsPerMinute,
      whole,
    ),
    limits: httpLimits(recipe, values, env),
    logRetentionDays: env.logRetentionDays,
    shadowModel: values['shadow-model'] ? await shadowModel(values['shadow-model']) : undefined,
  };
  logEffectiveConfiguration(config);
  const running = await startApp(config);
  process.stderr.write(`GourmetGram is open on http://localhost:${port}/ (${running.url})\n`);
  return untilSignal(async (signal) => {
    running.app.log.info({ signal }, 'shutting down');
    await running.close();
  });
}

function s3Options(values: AppValues, env: Environment) {
  const endpoint = values['s3-endpoint'] ?? env.s3Endpoint;
  const bucket = values['s3-bucket'] ?? env.s3Bucket;
  if (Boolean(endpoint) !== Boolean(bucket))
    throw new UsageError('--s3-endpoint and --s3-bucket go together');
  if (!endpoint || !bucket) return undefined;
  return {
    endpoint,
    bucket,
    accessKey: env.s3AccessKey ?? '',
    secretKey: env.s3SecretKey ?? '',
    region: env.s3Region,
  };
}

function proxyAndCookies(values: AppValues, env: Environment) {
  const trustProxyText = values['trust-proxy'] ?? env.trustProxy ?? 'false';
  // Fastify's trustProxy: a boolean, or the proxies' addresses/CIDRs whose X-Forwarded-* headers to believe.
  const trustProxy = trustProxyText === 'true' ? true : trustProxyText === 'false' ? false : trustProxyText;
  const secureText = values['secure-cookies'] ?? env.secureCookies ?? 'auto';
  const secureCookies = ({ auto: 'auto', always: true, never: false } as const)[
    secureText as 'auto' | 'always' | 'never'
  ];
  if (secureCookies === undefined)
    throw new UsageError(`--secure-cookies ${secureText}: use auto, always or never`);
  return { trustProxy, secureCookies };
}

/** The recipe's serving.http limits, with the two an operator most often changes as flags. */
function httpLimits(recipe: Recipe, values: AppValues, env: Environment) {
  const whole = { integer: true } as const;
  const maxConnections = values['max-connections'] ?? env.maxConnections;
  const requestTimeout = values['request-timeout-s'] ?? env.requestTimeoutS;
  return serverLimitsSchema.parse({
    ...recipe.serving.http,
    ...(maxConnections ? { max_connections: numberFlag('max-connections', maxConnections, whole) } : {}),
    ...(requestTimeout
      ? { request_timeout_ms: 1000 * numberFlag('request-timeout-s', requestTimeout, whole) }
      : {}),
  });
}

/** One JSON line on stderr with every setting the app runs with (secrets only as present or not). */
function logEffectiveConfiguration(config: AppConfig): void {
  process.stderr.write(
    `${JSON.stringify({
      msg: 'effective configuration',
      port: config.port,
      host: config.host,
      data_dir: config.dataDir,
      recipe: config.recipe.name,
      blobs: config.s3 ? `s3 ${config.s3.endpoint}/${config.s3.bucket}` : 'folder',
      database: config.databaseUrl ? config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@') : 'sqlite',
      classifier: config.inferenceUrl
        ? `remote ${config.inferenceUrl}`
        : `in-process ${config.recipe.serving.mode}`,
      admin: config.adminToken ? 'enabled' : 'disabled',
      csrf_secret: config.secret ? 'shared (GOURMETGRAM_APP_SECRET)' : 'random per process',
      trust_proxy: config.trustProxy,
      secure_cookies:
        config.secureCookies === true ? 'always' : config.secureCookies === false ? 'never' : 'auto',
      hsts: 'when the request came over HTTPS',
      correction_quorum: config.correctionQuorum,
      uploads_per_minute: config.uploadsPerMinute,
      corrections_per_minute: appDefaults.correctionsPerMinute,
      http_limits: config.limits,
      log_retention_days: config.logRetentionDays,
      shadow_model: config.shadowModel ? `${config.shadowModel.name} v${config.shadowModel.version}` : 'off',
    })}\n`,
  );
}

/** `<repository>/<name>/<version>`: one version folder of a model repository. */
async function shadowModel(path: string) {
  const version = Number(basename(path));
  if (!Number.isInteger(version) || version < 1)
    throw new UsageError(`--shadow-model ${path}: end with a version folder (<repository>/<name>/<version>)`);
  const modelDir = dirname(resolve(path));
  return readVersion(dirname(modelDir), basename(modelDir), version);
}
