import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** One number (or short text) on a slide, with the results file and field it was read from. */
export interface FigureRecord {
  readonly slide: number;
  readonly label: string;
  /** `results/…` (inside the results folder given to the deck) or a project file such as `recipes/latency.yaml`. */
  readonly file: string;
  /** Dotted path into the file's JSON; array items by index (`policies.1.cost`). */
  readonly field: string;
  readonly value: number | string | boolean;
}

/** A results file a slide needed and did not find, with the command that makes it. */
export interface MissingResult {
  readonly slide: number;
  readonly file: string;
  readonly command: string;
}

type Json = unknown;

/** Reads a dotted field path from parsed JSON; undefined when any step is absent. */
export function readField(root: Json, field: string): Json {
  let node: Json = root;
  for (const key of field.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, Json>)[key];
  }
  return node;
}

/**
 * The deck's only way to results: every figure it prints passes through {@link ResultsSource.figure}, which
 * records where it came from, so the sidecar can be checked against the files.
 */
export class ResultsSource {
  readonly figures: FigureRecord[] = [];
  readonly missing: MissingResult[] = [];
  private readonly cache = new Map<string, Json>();
  private slideNumber = 0;

  constructor(
    readonly projectDir: string,
    readonly resultsDir: string,
  ) {}

  /** Figures recorded from now on belong to this slide. */
  beginSlide(slide: number): void {
    this.slideNumber = slide;
  }

  /** The parsed file, or undefined (recorded as missing with the command that makes it). */
  json(file: string, command: string): Json | undefined {
    const parsed = this.read(file);
    if (parsed === undefined && !this.missing.some((m) => m.file === file && m.slide === this.slideNumber))
      this.missing.push({ slide: this.slideNumber, file, command });
    return parsed;
  }

  /** Whether a file exists and parses, without recording anything. */
  has(file: string): boolean {
    return this.read(file) !== undefined;
  }

  /** A number or text from a file's field, recorded for the sidecar; undefined when absent. */
  figure(file: string, field: string, label: string): number | undefined {
    const value = readField(this.read(file), field);
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    this.figures.push({ slide: this.slideNumber, label, file, field, value });
    return value;
  }

  /** A text field, recorded like a figure. */
  text(file: string, field: string, label: string): string | undefined {
    const value = readField(this.read(file), field);
    if (typeof value !== 'string') return undefined;
    this.figures.push({ slide: this.slideNumber, label, file, field, value });
    return value;
  }

  /** Raw access for structure (lists of rows, names); numbers shown from it still go through figure(). */
  raw(file: string, field?: string): Json {
    const parsed = this.read(file);
    return field === undefined ? parsed : readField(parsed, field);
  }

  private read(file: string): Json | undefined {
    if (this.cache.has(file)) return this.cache.get(file);
    let parsed: Json | undefined;
    try {
      parsed = parseResultFile(resolveResultFile(this.projectDir, this.resultsDir, file));
    } catch {
      parsed = undefined;
    }
    this.cache.set(file, parsed);
    return parsed;
  }
}

/** Where a logical file name lives: `results/…` inside the results folder, anything else in the project. */
export function resolveResultFile(projectDir: string, resultsDir: string, file: string): string {
  return file.startsWith('results/')
    ? join(resultsDir, file.slice('results/'.length))
    : join(projectDir, file);
}

/** JSON, or YAML for recipes. */
export function parseResultFile(path: string): Json {
  const text = readFileSync(path, 'utf8');
  return /\.ya?ml$/.test(path) ? parseYaml(text) : JSON.parse(text);
}
