export { type Bar, type BarChartOptions, barChartSvg } from './bar-chart-svg.js';
export { colourBlindSafe, niceCeiling, roundTicks } from './chart-style.js';
export { findChromium, launchChromium } from './chromium.js';
export { confusionMatrixSvg } from './confusion-matrix-svg.js';
export {
  type ContactSheetOptions,
  type ContactTile,
  defaultContactSheetOptions,
  renderContactSheet,
} from './contact-sheet.js';
export { renderDataCheckHtml } from './data-check-html.js';
export {
  buildDeck,
  composeSlides,
  DeckError,
  type DeckErrorCode,
  type DeckOptions,
  type DeckSidecar,
  deckErrorCodes,
  deckSlides,
  sidecarPath,
} from './deck/index.js';
export { renderErrorAnalysisHtml } from './error-analysis-html.js';
export {
  binnedSeries,
  type LineChartOptions,
  type LineSeries,
  lineChartSvg,
  stackSvg,
} from './line-chart-svg.js';
export { escapeMarkup } from './markup.js';
export { type ParetoPoint, paretoFront } from './pareto.js';
export { type ParetoChartOptions, paretoSvg } from './pareto-svg.js';
export { type ScatterOptions, type ScatterPoint, scatterSvg } from './scatter-svg.js';
export { type Range, rangeChart, type StackedBar, stackedBarChart } from './svg-charts.js';
