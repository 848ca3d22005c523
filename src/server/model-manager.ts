import { performance } from 'node:perf_hooks';
import type { LocalClassifier, ModelSource } from '../inference/index.js';
import { RepositoryError } from './errors.js';
import { listVersions, readVersion } from './model-repository.js';

export interface ModelManagerOptions {
  /** The model name clients use in /v2/models/{name}. */
  readonly name: string;
  /** A model repository to load versions from; without it, `initial` is the only version. */
  readonly repository?: string | undefined;
  /** Serve this version instead of the newest. */
  readonly pinned?: number | undefined;
  readonly initial?: ModelSource | undefined;
  readonly create: (source: ModelSource) => Promise<LocalClassifier>;
  readonly onLoaded?: (source: ModelSource, seconds: number) => void;
}

/**
 * Holds the serving classifier and swaps it on reload: the new version loads and warms up beside the old
 * one, takes over only once ready, and the old one then drains. A failed load leaves the old one serving.
 */
export class ModelManager {
  readonly name: string;
  readonly #options: ModelManagerOptions;
  #current: LocalClassifier | undefined;
  #loading: Promise<ModelSource> | undefined;

  constructor(options: ModelManagerOptions) {
    this.name = options.name;
    this.#options = options;
  }

  get current(): LocalClassifier | undefined {
    return this.#current;
  }

  get repository(): string | undefined {
    return this.#options.repository;
  }

  ready(): boolean {
    return this.#current?.ready() ?? false;
  }

  /** Versions the repository holds (or the one initial version). */
  async versions(): Promise<number[]> {
    const { repository, initial } = this.#options;
    if (repository) return listVersions(repository, this.name);
    return initial ? [initial.version] : [];
  }

  /** Loads `version`, the pinned one, or the newest; one load at a time. */
  load(version?: number): Promise<ModelSource> {
    if (this.#loading) return this.#loading.then(() => this.load(version));
    this.#loading = this.#load(version).finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(version: number | undefined): Promise<ModelSource> {
    const { repository, initial, pinned } = this.#options;
    let source: ModelSource;
    if (repository) {
      const versions = await listVersions(repository, this.name);
      const wanted = version ?? pinned ?? versions.at(-1);
      if (wanted === undefined || !versions.includes(wanted))
        throw new RepositoryError(
          repository,
          `model ${this.name} has no version ${wanted ?? '(none at all)'}`,
        );
      source = await readVersion(repository, this.name, wanted);
    } else if (initial && (version === undefined || version === initial.version)) source = initial;
    else
      throw new RepositoryError(
        '(none)',
        'no model repository is configured, so there is nothing else to load',
      );
    const started = performance.now();
    const next = await this.#options.create(source);
    this.#options.onLoaded?.(source, (performance.now() - started) / 1000);
    const previous = this.#current;
    this.#current = next;
    // The old version finishes what it holds in the background; new requests already go to `next`.
    if (previous) void previous.close();
    return source;
  }

  async close(): Promise<void> {
    await this.#loading?.catch(() => undefined);
    await this.#current?.close();
  }
}
