import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tritonConfig, tritonEnumFields } from '../inference/index.js';
import type { PackagedModel } from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { TritonConfigMismatchError } from './errors.js';
import { formatPbtxt, parsePbtxt, withEnums } from './pbtxt.js';
import { checkTritonConfig, readModelIo } from './triton-config.js';

/** The files written, relative to the repository folder. */
export interface TritonRepository {
  readonly modelName: string;
  readonly files: readonly string[];
}

/**
 * Writes a Triton model repository for a packaged model: `<model>/<version>/model.onnx`, `<model>/config.pbtxt`
 * and `<model>/labels.txt`. The config is read back and checked against the ONNX graph's own inputs and
 * outputs before this returns, so a repository that Triton would refuse is never left behind silently.
 */
export async function writeTritonRepository(
  recipe: Recipe,
  model: PackagedModel,
  outDir: string,
): Promise<TritonRepository> {
  const onnx = await readFile(model.path);
  const io = readModelIo(onnx);
  const config = tritonConfig(recipe, model.name, io, { labelFile: 'labels.txt' });
  const text = formatPbtxt(withEnums(config, tritonEnumFields));
  const problems = checkTritonConfig(parsePbtxt(text), io);
  if (problems.length) throw new TritonConfigMismatchError(problems);
  const modelDir = join(outDir, model.name);
  await mkdir(join(modelDir, String(model.version)), { recursive: true });
  await copyFile(model.path, join(modelDir, String(model.version), 'model.onnx'));
  await writeFile(join(modelDir, 'config.pbtxt'), text);
  await writeFile(join(modelDir, 'labels.txt'), `${model.classes.join('\n')}\n`);
  return {
    modelName: model.name,
    files: [
      `${model.name}/${model.version}/model.onnx`,
      `${model.name}/config.pbtxt`,
      `${model.name}/labels.txt`,
    ],
  };
}
