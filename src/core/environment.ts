import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CoreError } from './errors.js';

/** Where a variable is read: every verb, one verb, or only the test suite. */
type Scope =
  | 'all'
  | 'app'
  | 'serve'
  | 'app, serve'
  | 'tests'
  | 'report, tests'
  | 'data, analyse, bench, tests';

interface Variable<T extends z.ZodType> {
  readonly schema: T;
  readonly meaning: string;
  /** The default as the README shows it; the schema holds the value itself. */
  readonly shownDefault: string;
  readonly scope: Scope;
}

const variable = <T extends z.ZodType>(
  schema: T,
  meaning: string,
  shownDefault: string,
  scope: Scope,
): Variable<T> => ({ schema, meaning, shownDefault, scope });

const text = z.string().min(1).optional();
const port = z.coerce.number().int().min(0).max(65535);
const flag = z
  .enum(['1', 'true', 'yes', '0', 'false', 'no', ''])
  .transform((v) => ['1', 'true', 'yes'].includes(v))
  .default(false);

/**
 * Every `GOURMETGRAM_*` variable the project reads, with its meaning and default: the one schema for the
 * environment. README's table is generated from it (`npm run docs`).
 */
export const environmentVariables = {
  GOURMETGRAM_MODEL_MIRROR: variable(text, 'folder holding backbone files (no download)', 'none', 'all'),
  GOURMETGRAM_CACHE: variable(
    text,
    'downloads, packaged models, embeddings',
    '`~/.cache/gourmetgram`',
    'all',
  ),
  GOURMETGRAM_DATA: variable(
    text,
    'dataset folder (Food-11 layout or class folders)',
    'none',
    'data, analyse, bench, tests',
  ),
  GOURMETGRAM_LOG_LEVEL: variable(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    'pino log level of `app` and `serve`',
    '`info`',
    'app, serve',
  ),
  GOURMETGRAM_DEBUG: variable(flag, 'print the stack of a failing verb', 'off', 'all'),
  GOURMETGRAM_PORT: variable(
    port.optional(),
    'port to listen on',
    '3000 (`app`), 8080 (`serve`)',
    'app, serve',
  ),
  GOURMETGRAM_HOST: variable(text, 'address to listen on', '`0.0.0.0`', 'app, serve'),
  GOURMETGRAM_RECIPE: variable(text, "the app's recipe (name or file)", '`latency`', 'app'),
  GOURMETGRAM_ADMIN_TOKEN: variable(
    text,
    'bearer token that enables admin calls (exports, model reload)',
    'none: admin off',
    'app, serve',
  ),
  GOURMETGRAM_MODEL_REPOSITORY: variable(
    text,
    'Triton-style model repository to serve versions from',
    'none',
    'serve',
  ),
  GOURMETGRAM_DATA_DIR: variable(text, "the app's folder (SQLite file, photos, exports)", '`./data`', 'app'),
  GOURMETGRAM_DATABASE_URL: variable(
    text,
    'PostgreSQL URL instead of SQLite',
    'SQLite in the data folder',
    'app',
  ),
  GOURMETGRAM_APP_SECRET: variable(text, 'CSRF key; replicas must share it', 'random per process', 'app'),
  GOURMETGRAM_INFERENCE_URL: variable(
    text,
    'a remote OIP v2 server instead of the in-process pool',
    'none',
    'app',
  ),
  GOURMETGRAM_INFERENCE_MODEL: variable(text, "the remote server's model name", "the recipe's head", 'app'),
  GOURMETGRAM_S3_ENDPOINT: variable(
    text,
    'S3-compatible endpoint for photos (with the bucket)',
    'none: a folder',
    'app',
  ),
  GOURMETGRAM_S3_BUCKET: variable(text, 'S3 bucket for photos', 'none', 'app'),
  GOURMETGRAM_S3_ACCESS_KEY: variable(text, 'S3 access key', 'none', 'app'),
  GOURMETGRAM_S3_SECRET_KEY: variable(text, 'S3 secret key', 'none', 'app'),
  GOURMETGRAM_S3_REGION: variable(
    z.string().min(1).default('us-east-1'),
    'S3 region (SigV4)',
    '`us-east-1`',
    'app',
  ),
  GOURMETGRAM_TRUST_PROXY: variable(
    z.string().min(1).default('false'),
    "whose X-Forwarded-* headers to believe: `true`, `false`, or the proxies' addresses/CIDRs",
    '`false`',
    'app',
  ),
  GOURMETGRAM_SECURE_COOKIES: variable(
    z.enum(['auto', 'always', 'never']).default('auto'),
    'Secure cookies: `auto` (when the request came over HTTPS), `always`, `never`',
    '`auto`',
    'app',
  ),
  GOURMETGRAM_CORRECTION_QUORUM: variable(
    z
      .string()
      .regex(/^[1-9][0-9]*$/, 'a positive whole number')
      .default('3'),
    "visitors who must agree before a correction moves someone else's photo",
    '3',
    'app',
  ),
  GOURMETGRAM_UPLOADS_PER_MINUTE: variable(
    z
      .string()
      .regex(/^[1-9][0-9]*$/, 'a positive whole number')
      .default('20'),
    'uploads per minute per address',
    '20',
    'app',
  ),
  GOURMETGRAM_MAX_CONNECTIONS: variable(
    text,
    "connection cap (over the recipe's serving.http)",
    "the recipe's",
    'app',
  ),
  GOURMETGRAM_REQUEST_TIMEOUT_S: variable(
    text,
    "request timeout in seconds (over the recipe's serving.http)",
    "the recipe's",
    'app',
  ),
  GOURMETGRAM_LOG_RETENTION_DAYS: variable(
    z.coerce.number().int().min(1).max(36_500).default(90),
    "days the prediction log is kept (the app's table, the server's `--log-dir` files)",
    '90',
    'app, serve',
  ),
  GOURMETGRAM_TEST_DATABASE_URL: variable(
    text,
    'PostgreSQL for the app tests (else SQLite only)',
    'none',
    'tests',
  ),
  GOURMETGRAM_CHROMIUM: variable(
    text,
    'Chromium for the browser tests and reports',
    "playwright's own",
    'tests',
  ),
  GOURMETGRAM_BEHAVIOUR_RECIPE: variable(text, 'recipe the behavioural suite checks', '`latency`', 'tests'),
} as const;

type Variables = typeof environmentVariables;
type Name = keyof Variables;
type Camel<S extends string> = S extends `${infer H}_${infer T}`
  ? `${Lowercase<H>}${Capitalize<Camel<T>>}`
  : Lowercase<S>;
type Key<N extends Name> = N extends `GOURMETGRAM_${infer R}` ? Camel<R> : never;

/** The parsed environment: one typed, frozen field per variable (GOURMETGRAM_CACHE → `cache`). */
export type Environment = { readonly [N in Name as Key<N>]: z.output<Variables[N]['schema']> } & {
  /** GOURMETGRAM_CACHE resolved, else `$XDG_CACHE_HOME/gourmetgram`, else `~/.cache/gourmetgram`. */
  readonly cacheDir: string;
};

/** An environment variable whose value does not pass its schema. */
export class ConfigurationError extends CoreError {
  constructor(message: string) {
    super('GG_ERR_CONFIG', message);
  }
}

/**
 * Reads and validates the environment once; the verbs take everything from the result. Unknown
 * `GOURMETGRAM_*` names are reported through `warn` (a typo would otherwise be silently ignored).
 */
export function readEnvironment(
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void = () => {},
): Environment {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(environmentVariables)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) out[camel(name.slice('GOURMETGRAM_'.length))] = parsed.data;
    else problems.push(`${name}=${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (problems.length) throw new ConfigurationError(`environment is not valid: ${problems.join('; ')}`);
  for (const name of Object.keys(env))
    if (name.startsWith('GOURMETGRAM_') && !(name in environmentVariables))
      warn(`unknown environment variable ${name} (ignored)`);
  const cache = out.cache as string | undefined;
  out.modelMirror = out.modelMirror === undefined ? undefined : resolve(out.modelMirror as string);
  out.cacheDir = resolve(cache ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gourmetgram'));
  return Object.freeze(out) as Environment;
}

function camel(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
