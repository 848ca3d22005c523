/**
 * The page's side of in-browser classification: one module worker, loaded on the first sign that the visitor
 * is about to share a photo. Every failure resolves to `undefined`, so the page simply waits for the server.
 */
import type { ClassScore, FromEdgeWorker, ToEdgeWorker } from './edge-messages.js';

export interface EdgeGuess {
  readonly top: readonly ClassScore[];
  readonly probabilities: readonly number[];
  readonly elapsedMs: number;
  readonly model: string;
  readonly version: number;
}

export class EdgeClient {
  private worker: Worker | undefined;
  private ready: Promise<{ model: string; version: number } | undefined> | undefined;
  private next = 1;
  private readonly waiting = new Map<number, (result: FromEdgeWorker) => void>();

  constructor(
    private readonly workerUrl: string,
    private readonly manifestUrl: string,
  ) {}

  /** Starts downloading and compiling the model; resolves to its name and version, or undefined. */
  load(): Promise<{ model: string; version: number } | undefined> {
    this.ready ??= new Promise((resolve) => {
      try {
        this.worker = new Worker(this.workerUrl, { type: 'module' });
      } catch {
        resolve(undefined);
        return;
      }
      this.worker.onerror = () => resolve(undefined);
      this.worker.onmessage = (event: MessageEvent<FromEdgeWorker>) => {
        const message = event.data;
        if (message.type === 'ready') resolve({ model: message.model, version: message.version });
        else if (message.type === 'unavailable') resolve(undefined);
        else this.waiting.get(message.id)?.(message);
      };
      this.post({ type: 'load', manifestUrl: this.manifestUrl });
    });
    return this.ready;
  }

  /** The browser's guess for a photo, or undefined when the browser cannot classify it. */
  async classify(photo: Blob): Promise<EdgeGuess | undefined> {
    const model = await this.load();
    if (!model) return undefined;
    const id = this.next++;
    const result = await new Promise<FromEdgeWorker>((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ type: 'classify', id, photo });
    });
    this.waiting.delete(id);
    if (result.type !== 'result') return undefined;
    return { ...result, model: model.model, version: model.version };
  }

  private post(message: ToEdgeWorker): void {
    this.worker?.postMessage(message);
  }
}
