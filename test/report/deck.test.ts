import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { projectPath, readEnvironment } from '../../src/core/index.js';
import {
  buildDeck,
  composeSlides,
  type DeckSidecar,
  deckSlides,
  parseResultFile,
  ResultsSource,
  readField,
  resolveResultFile,
} from '../../src/report/deck/index.js';

const { chromium } = readEnvironment(process.env);
const work = mkdtempSync(join(tmpdir(), 'gg-deck-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('the executive deck built from the committed results', () => {
  let deck: DeckSidecar;
  let text: string;
  const pdf = join(work, 'deck.pdf');
  before(async () => {
    deck = await buildDeck({
      projectDir: projectPath(),
      resultsDir: projectPath('results'),
      outFile: pdf,
      chromium,
    });
    text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  });

  it('should have 14 to 18 slides, each followed by its notes page', () => {
    assert.ok(deck.slides.length >= 14 && deck.slides.length <= 18, `${deck.slides.length} slides`);
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    assert.match(info, new RegExp(`Pages:\\s+${deck.slides.length * 2}\\b`));
    assert.match(info, /Page size:\s+960 x 540 pts/);
    assert.match(info, /Author:\s+GourmetGram engineering/);
    for (const slide of deck.slides) {
      assert.ok(slide.notes > 0, `slide ${slide.number} has notes`);
      assert.ok(
        text.includes(`Speaker notes · slide ${slide.number}:`),
        `notes page for slide ${slide.number}`,
      );
    }
  });

  it('should name the three recipes, cost and drift', () => {
    for (const word of ['Predecessor', 'Accuracy-first', 'Latency-first', 'cost', 'drift'])
      assert.ok(text.includes(word), word);
  });

  it('should read every figure in the sidecar from the file and field it names', () => {
    assert.ok(deck.figures.length > 50);
    for (const figure of deck.figures) {
      const value = readField(
        parseResultFile(resolveResultFile(projectPath(), projectPath('results'), figure.file)),
        figure.field,
      );
      assert.equal(value, figure.value, `${figure.file} ${figure.field}`);
    }
  });

  it('should fit every text box, table and chart label inside its slide', () => {
    assert.deepEqual(deck.overflow, []);
  });

  it('should render no blank page', async () => {
    const pages = join(work, 'pages');
    execFileSync('mkdir', ['-p', pages]);
    execFileSync('pdftoppm', ['-r', '24', '-png', pdf, join(pages, 'page')]);
    const files = readdirSync(pages).sort();
    assert.equal(files.length, deck.slides.length * 2);
    for (const file of files) {
      const { channels } = await sharp(join(pages, file)).stats();
      const spread = Math.max(...channels.map((c) => c.stdev));
      assert.ok(spread > 8, `${file} looks blank (stdev ${spread.toFixed(1)})`);
    }
  });
});

describe('the deck without results', () => {
  it('should still compose every slide, each naming the command that makes its missing results', async () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    const source = new ResultsSource(projectPath(), empty);
    const slides = await composeSlides(source);
    assert.equal(slides.length, deckSlides.length);
    const files = new Set(source.missing.map((m) => m.file));
    for (const file of ['results/latency/bench.json', 'results/floor.json', 'results/soak.json'])
      assert.ok(files.has(file), file);
    assert.ok(source.missing.every((m) => m.command.length > 0));
    assert.ok(slides.some((s) => s.body.includes('gourmetgram bench --all')));
  });
});
