import { createHash } from 'node:crypto';
import { access, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { food11Classes } from '../../src/data/index.js';
import { createClassifier, type LocalClassifier } from '../../src/inference/index.js';
import {
  buildHeadModel,
  countParameters,
  encodeModel,
  type HeadCard,
  headDir,
  loadBackboneSpec,
  saveHead,
} from '../../src/models/index.js';
import { loadRecipe, type Recipe } from '../../src/recipes/index.js';

export const cacheDir = process.env.GOURMETGRAM_CACHE ?? join(tmpdir(), 'gourmetgram-test-cache');
export const mirrorDir = process.env.GOURMETGRAM_MODEL_MIRROR;

/**
 * A real classifier over the real backbone: the latency recipe's trained head when it is in models/heads,
 * otherwise a small seeded random head written to a temporary heads folder (a real ONNX graph, just untrained),
 * so the app tests run before any head has been trained.
 */
export async function createTestClassifier(): Promise<LocalClassifier> {
  const recipe = await loadRecipe('latency');
  const trained = await access(join(headDir(recipe.model.head), 'head.onnx')).then(
    () => true,
    () => false,
  );
  const headsDir = trained ? undefined : await writeRandomHead(recipe);
  return createClassifier(recipe, { cacheDir, mirrorDir, ...(headsDir ? { headsDir } : {}) });
}

export async function writeRandomHead(recipe: Recipe): Promise<string> {
  const spec = await loadBackboneSpec(recipe.model.backbone);
  const width = spec.embedding.width;
  const classes = food11Classes.length;
  let state = 7;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const weight = Float32Array.from({ length: width * classes }, () => random() * 0.2);
  const bias = new Float32Array(classes);
  const model = buildHeadModel({ layers: [{ inputs: width, outputs: classes, weight, bias }] });
  const figures = { n: 0, top1: 0, macro_f1: 0 };
  const card: HeadCard = {
    name: recipe.model.head,
    version: 1,
    created: '2024-01-01T00:00:00.000Z',
    backbone: { name: spec.name, sha256: spec.sha256, precision: recipe.model.precision },
    input_size: recipe.model.input_size,
    flip_tta: recipe.model.tta.flip,
    classes: [...food11Classes],
    preprocessing: {
      resize: 'test fixture',
      crop_fraction: spec.input.cropFraction,
      mean: [...spec.input.mean],
      std: [...spec.input.std],
      layout: 'NCHW RGB float32',
    },
    hyper_parameters: { fixture: 'seeded random, untrained' },
    search: [],
    data: { root: 'none', layout: 'none', fingerprint: 'none', counts: {}, unreadable: 0 },
    validation: figures,
    training_seconds: 0,
    parameters: countParameters(model),
    sha256: createHash('sha256').update(encodeModel(model)).digest('hex'),
  };
  const root = await mkdtemp(join(tmpdir(), 'gg-test-heads-'));
  await saveHead(model, card, '# test fixture head\n', root);
  return root;
}

/** A real food photo from GOURMETGRAM_DATA when set, else a generated JPEG with EXIF (camera and GPS-like tags). */
export async function foodPhoto(index = 0): Promise<Buffer> {
  const root = process.env.GOURMETGRAM_DATA;
  if (root) {
    for (const split of ['test', 'validation', 'evaluation', 'train']) {
      const dir = join(root, split);
      const classes = await readdir(dir).catch(() => [] as string[]);
      const folder = classes.sort()[index % Math.max(1, classes.length)];
      if (!folder) continue;
      const files = (await readdir(join(dir, folder))).filter((f) => /\.jpe?g$/i.test(f)).sort();
      const file = files[Math.floor(index / classes.length) % files.length];
      if (file) return readFile(join(dir, folder, file));
    }
  }
  return generatedPhoto(index);
}

export async function generatedPhoto(index = 0, orientation = 1): Promise<Buffer> {
  const hue = (index * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
    <rect width="320" height="240" fill="hsl(${hue},60%,70%)"/>
    <circle cx="160" cy="120" r="90" fill="hsl(${(hue + 40) % 360},70%,45%)"/>
    <rect x="0" y="0" width="60" height="30" fill="#222"/></svg>`;
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 85 })
    .withMetadata({
      orientation,
      exif: { IFD0: { Make: 'TestCam', Model: 'Secret Model 9000', Artist: 'Jane Private' } },
    })
    .toBuffer();
}
