import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { missingBox, recipeLabel } from './format.js';
import { allRecipeFigures, recommend } from './recipe-figures.js';
import { type ResultsSource, resolveResultFile } from './results-source.js';
import type { Slide } from './slide.js';

/** 10b. Thumbnails of typical errors: the most confident mistakes on our test photos. */
export async function errorGallerySlide(source: ResultsSource): Promise<Slide> {
  const choice = recommend(allRecipeFigures(source))?.name ?? 'latency';
  const file = `results/error-analysis/${choice}/highest-confidence-wrong.jpg`;
  const path = resolveResultFile(source.projectDir, source.resultsDir, file);
  let body: string;
  if (existsSync(path)) {
    // Downscaled and re-encoded so the deck stays small enough to commit.
    const jpeg = await sharp(path)
      .resize({ width: 1100, height: 500, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 70 })
      .toBuffer();
    body = `<img class="sheet" alt="The test photos the ${recipeLabel[choice]} model got wrong with the highest confidence, each with its true and predicted class" src="data:image/jpeg;base64,${jpeg.toString('base64')}">`;
  } else
    body = missingBox(
      source,
      file,
      `gourmetgram analyse --recipe ${choice} --data <dataset>`,
      'error gallery',
    );
  return {
    title: 'Typical mistakes',
    headline:
      'The test photos the model got wrong most confidently: often ambiguous plates, or a label a person would also argue with.',
    body,
    notes: [
      "Each tile shows the true class, the predicted class and the model's confidence. Several are arguably labelled wrongly in the source data; others mix two classes on one plate.",
      'These are the photos a user would correct; the correction loop feeds them back into training.',
    ],
  };
}
