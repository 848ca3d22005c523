import type { HeadCard } from '../models/index.js';

/** The human-readable model card, written beside card.json. */
export function headCardMarkdown(card: HeadCard): string {
  const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  const searchRows = card.search
    .map(
      (r) =>
        `| ${r.hidden} | ${r.l2} | ${r.balance_classes} | ${pct(r.validation_top1 as number)} | ${pct(r.validation_macro_f1 as number)} |`,
    )
    .join('\n');
  return `# Model card: ${card.name} v${card.version}

Food-11 classifier head on ${card.backbone.name} (${card.backbone.precision}), input ${card.input_size} px${
    card.flip_tta ? ', test-time flip averaged inside the graph' : ''
  }. Created ${card.created}; training took ${card.training_seconds.toFixed(0)} s.

## Data
- Root: \`${card.data.root}\` (${card.data.layout} layout), fingerprint \`${card.data.fingerprint.slice(0, 16)}…\`
- Counts: ${Object.entries(card.data.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; unreadable files skipped: ${card.data.unreadable}
- Validation was carved from train by photo group (burst shots of one dish stay together); test was used only to report.

## Preprocessing
${card.preprocessing.resize}; RGB scaled to [0,1], mean ${card.preprocessing.mean.join(', ')}, std ${card.preprocessing.std.join(', ')}; ${card.preprocessing.layout}.

## Hyper-parameters
\`\`\`json
${JSON.stringify(card.hyper_parameters, null, 2)}
\`\`\`

## Search (validation, centre crop)
| hidden | l2 | balanced | top-1 | macro-F1 |
| --- | --- | --- | --- | --- |
${searchRows}

${memorySection(card)}
## Results
| split | n | top-1 | macro-F1 |
| --- | --- | --- | --- |
| validation (chosen on) | ${card.validation.n} | ${pct(card.validation.top1)} | ${pct(card.validation.macro_f1)} |
| test (reported only) | ${card.test?.n ?? 'n/a'} | ${pct(card.test?.top1)}${interval(card.test?.interval)} | ${pct(card.test?.macro_f1)} |
${outOfSourceRow(card)}

${outOfSourceNote(card)}## Caveats
The stand-in dataset's sources differ by class (lab photos with a coin for Bread and Egg, cheese only for Dairy,
sushi only for Seafood): a model can learn the background or the source rather than the food, and these figures
overstate accuracy on real user photos. Parameters: ${card.parameters}. Head SHA-256 \`${card.sha256}\`.
`;
}

function memorySection(card: HeadCard): string {
  const rows =
    (card.memory_search as
      | { temperature: number; weight: number; validation_top1: number; validation_macro_f1: number }[]
      | undefined) ?? [];
  if (rows.length === 0) return '';
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return `## Nearest-neighbour memory (validation, bank of train photos)
| temperature | weight | top-1 | macro-F1 |
| --- | --- | --- | --- |
${rows.map((r) => `| ${r.temperature} | ${r.weight} | ${pct(r.validation_top1)} | ${pct(r.validation_macro_f1)} |`).join('\n')}

`;
}

function interval(value: unknown): string {
  if (!Array.isArray(value) || value.length !== 2) return '';
  return ` [${value.map((v: number) => (v * 100).toFixed(1)).join(', ')}]`;
}

/** The leave-source-out row: every source held out in turn, predictions pooled (absent on older cards). */
function outOfSourceRow(card: HeadCard): string {
  const lso = card.leave_source_out;
  if (!lso) return '';
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return `| leave-source-out, pooled (reported only) | ${lso.n} | ${pct(lso.top1)}${interval(lso.interval)} | ${pct(lso.macro_f1)} |`;
}

function outOfSourceNote(card: HeadCard): string {
  const lso = card.leave_source_out;
  if (!lso) return '';
  return `Intervals: 95 % Wilson on top-1. Leave-source-out: for each source, ${lso.head}; every photo of the held-out
source scored, the folds pooled. It is the figure a user meets on photos unlike any training source; the test
split shares sources with train and overstates it.

`;
}
