import type { LeaveSourceOutResult } from '../pipeline/index.js';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const interval = (i: readonly [number, number]) => `[${pct(i[0])}, ${pct(i[1])}]`;

/** The leave-source-out result as the terminal shows it: one line per held-out source, pooled, the split. */
export function leaveSourceOutTable(result: LeaveSourceOutResult): string {
  const peerNames = result.peers.map((p) => p.name);
  const header = `${'held out'.padEnd(44)}${'n'.padStart(6)}  ${'ours top-1 (95% CI)'.padEnd(26)}${peerNames
    .map((n) => n.padEnd(26))
    .join('')}`;
  const row = (
    label: string,
    n: number,
    ours: { top1: number; interval: readonly [number, number] },
    peers: { top1: number; interval: readonly [number, number] }[],
  ) =>
    `${label.padEnd(44)}${String(n).padStart(6)}  ${`${pct(ours.top1)} ${interval(ours.interval)}`.padEnd(26)}${peers
      .map((p) => `${pct(p.top1)} ${interval(p.interval)}`.padEnd(26))
      .join('')}`;
  return [
    `${result.recipe}: leave-source-out on ${result.backbones.join(' + ')}`,
    `head: ${result.head}`,
    '',
    header,
    ...result.folds.map(
      (f, i) =>
        `${row(
          f.source,
          f.n,
          f,
          result.peers.map((p) => p.folds[i]!),
        )}${f.classes_unseen.length ? `  never seen: ${f.classes_unseen.join(', ')}` : ''}`,
    ),
    row(
      'pooled over held-out sources',
      result.pooled.n,
      result.pooled,
      result.peers.map((p) => p.pooled),
    ),
    row(
      'ordinary split (train → test)',
      result.split.n,
      result.split,
      result.peers.map((p) => p.split),
    ),
  ].join('\n');
}
