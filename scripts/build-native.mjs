// Builds native/ (libjpeg-turbo JPEG decoding, src/vision/jpeg-decoder.ts) against this Node's own headers, so
// nothing is downloaded. Without a C compiler or libjpeg's headers it says so and leaves the build out: the
// server then decodes every JPEG through sharp, and the test of the decoder fails until it is built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nodeDir = resolve(dirname(process.execPath), '..');
const missing = [];
if (!existsSync(join(nodeDir, 'include', 'node', 'node_api.h')))
  missing.push(`Node headers in ${nodeDir}/include/node`);
if (!existsSync('/usr/include/jpeglib.h')) missing.push('libjpeg headers (apt install libjpeg-dev)');
if (missing.length > 0) {
  console.warn(`native/ not built: missing ${missing.join(', ')}; JPEGs will decode through sharp`);
  process.exit(0);
}
const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, '--loglevel=warn'], {
  cwd: join(root, 'native'),
  stdio: 'inherit',
});
if (result.status !== 0) console.warn('native/ build failed (see above); JPEGs will decode through sharp');
