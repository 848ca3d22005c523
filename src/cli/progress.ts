/**
 * A progress bar on a terminal, periodic lines elsewhere (CI logs), on stderr so stdout stays parseable.
 */
export function progressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): (done: number, total: number) => void {
  const started = Date.now();
  let lastLine = 0;
  return (done, total) => {
    const share = total === 0 ? 1 : done / total;
    const elapsed = (Date.now() - started) / 1000;
    const eta = share > 0 ? elapsed / share - elapsed : 0;
    const text = `${label} ${done}/${total} ${(share * 100).toFixed(0)}% ${elapsed.toFixed(0)}s elapsed, ~${eta.toFixed(0)}s left`;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
      if (done >= total) stream.write('\n');
    } else if (done >= total || Date.now() - lastLine > 5000) {
      lastLine = Date.now();
      stream.write(`${text}\n`);
    }
  };
}

/** One progress reporter per named stage (a multi-stage job reports each stage apart). */
export function stageProgress(): (stage: string, done: number, total: number) => void {
  const bars = new Map<string, (done: number, total: number) => void>();
  return (stage, done, total) => {
    if (!bars.has(stage)) bars.set(stage, progressReporter(stage));
    bars.get(stage)!(done, total);
  };
}
