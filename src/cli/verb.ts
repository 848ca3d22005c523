import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Environment } from '../core/index.js';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Config<O extends Options> = { args: string[]; options: O; allowPositionals: true; strict: true };
export type VerbValues<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>['values'];

/** What `main` calls: the verb's argv (after the verb's name) and the validated environment. */
export type VerbRunner = (argv: string[], env: Environment) => Promise<number | undefined>;

export interface VerbDefinition<O extends Options> {
  /** The full usage text, printed for --help (stdout, exit 0) and after every usage error (stderr, exit 2). */
  readonly usage: string;
  readonly options: O;
  /** Flags without which the verb cannot run; their absence is a usage error. */
  readonly required?: readonly (keyof O & string)[];
  /** Positional arguments: `false` (the default) refuses them. */
  readonly positionals?: boolean;
  run(
    input: { readonly values: VerbValues<O>; readonly positionals: string[] },
    env: Environment,
  ): Promise<number | undefined>;
}

/**
 * The scaffold every verb shares: strict flag parsing, `--help`, required flags, and usage errors that
 * carry the verb's usage so `main` prints it and exits 2.
 *
 * @example
 * export const run = defineVerb({ usage, options: { recipe: { type: 'string' } }, required: ['recipe'],
 *   run: async ({ values }, env) => { ...; return 0; } });
 */
export function defineVerb<O extends Options>(definition: VerbDefinition<O>): VerbRunner {
  return async (argv, env) => {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(`${definition.usage.trimEnd()}\n`);
      return 0;
    }
    try {
      let parsed: { values: VerbValues<O>; positionals: string[] };
      try {
        parsed = parseArgs({
          args: argv,
          options: definition.options,
          allowPositionals: true,
          strict: true,
        } as Config<O>);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      if (!definition.positionals && parsed.positionals.length)
        throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
      const values = parsed.values as Record<string, unknown>;
      const missing = (definition.required ?? []).filter((flag) => values[flag] === undefined);
      if (missing.length) throw new UsageError(`${missing.map((f) => `--${f}`).join(', ')} required`);
      return await definition.run(parsed, env);
    } catch (error) {
      if (error instanceof UsageError && error.usage === undefined) error.usage = definition.usage;
      throw error;
    }
  };
}

/** A flag's number, refused unless it is finite and above `min` (or at least `min` with `inclusive`). */
export function numberFlag(
  flag: string,
  text: string,
  rule: {
    readonly min?: number;
    readonly inclusive?: boolean;
    readonly integer?: boolean;
    readonly max?: number;
  } = {},
): number {
  const { min = 0, inclusive = false, integer = false, max = Number.POSITIVE_INFINITY } = rule;
  const value = Number(text);
  const ok =
    text.trim() !== '' &&
    Number.isFinite(value) &&
    (inclusive ? value >= min : value > min) &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    const bound = `${inclusive ? '≥' : '>'} ${min}${max < Number.POSITIVE_INFINITY ? ` and ≤ ${max}` : ''}`;
    throw new UsageError(`--${flag} must be ${kind} ${bound}, not '${text}'`);
  }
  return value;
}

/** A port number (0 picks a free one). */
export function portFlag(flag: string, text: string): number {
  return numberFlag(flag, text, { min: 0, inclusive: true, integer: true, max: 65535 });
}

/**
 * Resolves with the exit code once SIGTERM or SIGINT has run `stop` (once, whichever signal comes first);
 * a failed stop exits 1.
 */
export function untilSignal(stop: (signal: string) => Promise<void>): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) return;
      stopping = true;
      stop(signal).then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : error}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
