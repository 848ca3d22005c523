import type { EvaluationResult, LeaveSourceOutResult } from '../pipeline/index.js';

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

/** One split's evaluation as the terminal shows it: headline figures, per class, per source, peers. */
export function splitTable(result: EvaluationResult, split: string, out: string): string {
  const lines = [
    `${result.recipe}: model ${result.model.name} v${result.model.version} on ${split} (n=${result.n}, ${result.unreadable.length} unreadable)`,
    `top-1 ${pct(result.top1)}  top-2 ${pct(result.top2)}  macro-F1 ${pct(result.macro_f1)}  ECE ${result.ece.toFixed(3)}`,
    '',
    `${'class'.padEnd(18)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'F1'.padStart(8)}${'support'.padStart(9)}`,
    ...result.report.per_class.map(
      (c) =>
        `${c.class.padEnd(18)}${pct(c.precision).padStart(10)}${pct(c.recall).padStart(10)}${pct(c.f1).padStart(8)}${String(c.support).padStart(9)}`,
    ),
    '',
    'per source:',
    ...result.per_source.map(
      (s) => `  ${s.group.padEnd(48)} n=${String(s.n).padStart(4)}  top-1 ${pct(s.top1)}`,
    ),
    ...(result.peers.length
      ? [
          '',
          'same photos, each model with its own head:',
          `  ${'ours'.padEnd(28)} top-1 ${pct(result.top1)} [${result.interval.map(pct).join(', ')}]  macro-F1 ${pct(result.macro_f1)}`,
          ...result.peers.map(
            (p) =>
              `  ${p.name.padEnd(28)} top-1 ${pct(p.top1)} [${p.interval.map(pct).join(', ')}]  macro-F1 ${pct(p.macro_f1)}`,
          ),
        ]
      : []),
    '',
    `wrote ${out}/eval-${split}.json and confusion-${split}.svg`,
  ];
  return lines.join('\n');
}
