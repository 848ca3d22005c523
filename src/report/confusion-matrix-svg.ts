import { escapeMarkup } from './markup.js';
/** A confusion matrix as a standalone SVG: rows are true classes, columns predictions, shaded by row share. */
export function confusionMatrixSvg(
  confusion: readonly (readonly number[])[],
  classes: readonly string[],
  title: string,
): string {
  const cell = 44;
  const left = 150;
  const top = 150;
  const size = classes.length * cell;
  const width = left + size + 20;
  const height = top + size + 40;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeMarkup(title)}</text>`,
    `<text x="${left + size / 2}" y="${height - 10}" text-anchor="middle">predicted</text>`,
    `<text transform="translate(16 ${top + size / 2}) rotate(-90)" text-anchor="middle">true class</text>`,
  );
  classes.forEach((name, i) => {
    parts.push(
      `<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${escapeMarkup(name)}</text>`,
    );
    parts.push(
      `<text transform="translate(${left + i * cell + cell / 2 + 4} ${top - 6}) rotate(-60)">${escapeMarkup(name)}</text>`,
    );
  });
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, j) => {
      const share = count / total;
      const fill =
        i === j
          ? `rgba(34,139,34,${0.15 + 0.85 * share})`
          : `rgba(200,40,40,${share === 0 ? 0 : 0.15 + 0.85 * share})`;
      parts.push(
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ddd"/>`,
      );
      if (count > 0)
        parts.push(
          `<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" fill="${share > 0.5 ? '#fff' : '#222'}">${count}</text>`,
        );
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
