import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { projectPath } from '../../src/core/index.js';

const cli = projectPath('dist', 'src', 'cli', 'main.js');

async function gourmetgram(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the gourmetgram command', () => {
  it('should print its version', async () => {
    const { version } = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
    const result = await gourmetgram(['--version']);
    assert.deepEqual([result.code, result.stdout], [0, `gourmetgram ${version}\n`]);
  });

  it("should exit 2 with the verb's usage for an unknown flag, a bad number or a missing flag", async () => {
    for (const [args, reason] of [
      [['serve', '--recipe', 'latency', '--bogus'], /Unknown option '--bogus'/],
      [
        ['serve', '--recipe', 'latency', '--port', 'eighty'],
        /--port must be an integer ≥ 0 and ≤ 65535, not 'eighty'/,
      ],
      [['serve'], /--recipe required/],
      [['bench', '--summary', '--seconds=-3'], /--seconds must be a number > 0, not '-3'/],
    ] as const) {
      const result = await gourmetgram([...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, reason);
      assert.match(result.stderr, new RegExp(`usage: gourmetgram ${args[0]} `));
    }
    const verb = await gourmetgram(['fly']);
    assert.equal(verb.code, 2);
    assert.match(verb.stderr, /unknown verb 'fly'[\s\S]*usage: gourmetgram <verb>/);
  });

  it('should list the known recipes for an unknown one, and refuse a malformed environment variable', async () => {
    const recipe = await gourmetgram(['train', '--recipe', 'fastest']);
    assert.equal(recipe.code, 1);
    assert.match(recipe.stderr, /no recipe named 'fastest'; known recipes: accuracy, latency, predecessor/);
    const env = await gourmetgram(['serve', '--recipe', 'latency'], { GOURMETGRAM_PORT: 'eighty' });
    assert.equal(env.code, 2);
    assert.match(env.stderr, /GOURMETGRAM_PORT="eighty"/);
  });
});
