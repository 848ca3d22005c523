import { resolve } from 'node:path';
import { type Environment, projectPath } from '../core/index.js';
import { buildDeck } from '../report/index.js';
import { defineVerb, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram report [--results <dir>] [--out <file.pdf>]
Builds the executive deck (16:9 PDF, a notes page after each slide) from the results files, laid out and printed
by Chromium (GOURMETGRAM_CHROMIUM or /usr/bin/chromium). Writes <file>.pdf and <file>.json, the sidecar listing
every figure with the file and field it came from. A slide whose results are missing says which command makes
them; the command fails only if no slide can be made. Defaults: results/ and results/gourmetgram-findings.pdf.`;

const options = {
  results: { type: 'string', default: projectPath('results') },
  out: { type: 'string', default: projectPath('results', 'gourmetgram-findings.pdf') },
} as const;

export const run = defineVerb({ usage, options, run: ({ values }, env) => report(values, env) });

async function report(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  const deck = await buildDeck({
    projectDir: projectPath(),
    resultsDir: resolve(values.results),
    outFile: resolve(values.out),
    chromium: env.chromium,
  });
  const missing = [...new Set(deck.missing.map((m) => `${m.file} (${m.command})`))];
  process.stdout.write(
    `${deck.pdf}: ${deck.slides.length} slides with notes, ${deck.figures.length} figures from ${new Set(deck.figures.map((f) => f.file)).size} files\n`,
  );
  if (missing.length) process.stdout.write(`missing results:\n${missing.map((m) => `  ${m}`).join('\n')}\n`);
  if (deck.overflow.length)
    process.stdout.write(
      `text that does not fit:\n${deck.overflow.map((o) => `  ${o.page}: ${o.kind} ${o.element} "${o.text}"`).join('\n')}\n`,
    );
  return 0;
}
