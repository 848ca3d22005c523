import { appendFile, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { PredictionRecord } from './prediction-record.js';

export interface JsonLinesLogOptions {
  readonly dir: string;
  /** A file is closed and a new one started past this size. */
  readonly maxFileBytes: number;
  /** Files whose newest line is older than this are deleted (checked at each rotation and at start). */
  readonly retentionDays: number;
  readonly now?: () => Date;
}

const prefix = 'predictions-';

/**
 * The inference server's prediction log: JSON lines, one file per rotation (`predictions-<start time>.jsonl`),
 * rotated by size, older files deleted past the retention. Appends are queued and written in order, off the
 * request path; a failed write is counted, never thrown at a request.
 */
export class JsonLinesPredictionLog {
  private file: string | undefined;
  private size = 0;
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly now: () => Date;
  private retentionTimer: NodeJS.Timeout | undefined;
  private readonly measuring = new Set<Promise<void>>();
  failures = 0;

  constructor(private readonly options: JsonLinesLogOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Queues a record; a promised one (image statistics still being measured) is written when it settles. */
  append(record: PredictionRecord | Promise<PredictionRecord>): void {
    if (record instanceof Promise) {
      const settled = record.then(
        (r) => this.append(r),
        () => {
          this.failures++;
        },
      );
      this.measuring.add(settled);
      void settled.finally(() => this.measuring.delete(settled));
      return;
    }
    this.pending.push(`${JSON.stringify(record)}\n`);
    if (this.pending.length === 1) this.writing = this.writing.then(() => this.flushPending());
  }

  /** Resolves once everything appended so far (promised records included) is on disk. */
  async flush(): Promise<void> {
    await Promise.all(this.measuring);
    await this.writing;
  }

  /**
   * Enforces the retention now and then hourly: rotation alone would keep a quiet server's old files
   * forever. Returns how many files the first pass deleted.
   */
  async startRetention(intervalMs = 3_600_000): Promise<number> {
    const prune = () =>
      enforceRetention(this.options.dir, this.options.retentionDays, this.now()).catch(() => {
        this.failures++;
        return 0;
      });
    clearInterval(this.retentionTimer);
    this.retentionTimer = setInterval(prune, intervalMs).unref();
    return prune();
  }

  /** Stops the retention timer and waits for pending writes. */
  async close(): Promise<void> {
    clearInterval(this.retentionTimer);
    await this.flush();
  }

  private async flushPending(): Promise<void> {
    const lines = this.pending.join('');
    this.pending = [];
    try {
      if (!this.file || this.size + lines.length > this.options.maxFileBytes) await this.rotate();
      await appendFile(this.file!, lines);
      this.size += Buffer.byteLength(lines);
    } catch {
      this.failures++;
    }
  }

  private async rotate(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    let name = `${prefix}${stamp}.jsonl`;
    // Two rotations inside one millisecond (tiny size limits in tests) must not share a file.
    if (this.file?.endsWith(name)) name = `${prefix}${stamp}-${process.hrtime.bigint()}.jsonl`;
    this.file = join(this.options.dir, name);
    this.size = 0;
    await enforceRetention(this.options.dir, this.options.retentionDays, this.now());
  }
}

/** Deletes log files last written before the retention window; returns how many. */
export async function enforceRetention(dir: string, retentionDays: number, now: Date): Promise<number> {
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  let removed = 0;
  for (const name of await logFiles(dir)) {
    const path = join(dir, name);
    const { mtimeMs } = await stat(path);
    if (mtimeMs < cutoff) {
      await unlink(path);
      removed++;
    }
  }
  return removed;
}

/** Every record in a log folder, oldest file first, lines in order; `since` filters by record time. */
export async function readJsonLinesLog(dir: string, since?: string): Promise<PredictionRecord[]> {
  const records: PredictionRecord[] = [];
  for (const name of (await logFiles(dir)).sort()) {
    const text = await readFile(join(dir, name), 'utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      // A line cut short by a crash mid-write is skipped, not fatal.
      let record: PredictionRecord;
      try {
        record = JSON.parse(line) as PredictionRecord;
      } catch {
        continue;
      }
      if (!since || record.time >= since) records.push(record);
    }
  }
  return records.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

async function logFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.startsWith(prefix) && n.endsWith('.jsonl'));
  } catch {
    return [];
  }
}
