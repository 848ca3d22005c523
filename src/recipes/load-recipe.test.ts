import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadRecipe, parseRecipe, RecipeError, shippedRecipes, UnknownRecipeError } from './index.js';

describe('recipes', () => {
  it('should load every shipped recipe and freeze it', async () => {
    for (const name of shippedRecipes) {
      const recipe = await loadRecipe(name);
      assert.equal(recipe.name, name);
      assert.ok(Object.isFrozen(recipe.model));
      assert.ok(recipe.serving.max_batch_size >= 1);
    }
  });

  it('should fill defaults for what a recipe leaves out', () => {
    const recipe = parseRecipe(
      'name: small\ndescription: x\nmodel: { backbone: b, input_size: 224, head: h }\n',
    );
    assert.equal(recipe.model.precision, 'int8');
    assert.equal(recipe.model.tta.flip, false);
    assert.equal(recipe.model.training.seed, 11);
    assert.equal(recipe.serving.mode, 'pool');
  });

  it('should name the field and the file when a recipe is wrong', () => {
    assert.throws(
      () =>
        parseRecipe(
          'name: bad\ndescription: x\nmodel: { backbone: b, input_size: 20, head: h, colour: red }\n',
          'bad.yaml',
        ),
      (error: unknown) => {
        assert.ok(error instanceof RecipeError);
        assert.match(error.message, /bad\.yaml/);
        assert.match(error.message, /input_size/);
        assert.match(error.message, /colour/);
        return true;
      },
    );
    assert.throws(() => parseRecipe('name: [unclosed'), RecipeError);
  });

  it('should list the known recipes when asked for an unknown one', async () => {
    await assert.rejects(loadRecipe('fastest'), (error: unknown) => {
      assert.ok(error instanceof UnknownRecipeError);
      assert.equal(error.code, 'GG_ERR_RECIPE_UNKNOWN');
      assert.match(error.message, /no recipe named 'fastest'; known recipes: accuracy, latency, predecessor/);
      return true;
    });
  });

  it('should refuse a recipe whose name differs from its file name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-recipe-'));
    await writeFile(
      join(dir, 'one.yaml'),
      'name: two\ndescription: x\nmodel: { backbone: b, input_size: 224, head: h }\n',
    );
    await assert.rejects(loadRecipe(join(dir, 'one.yaml')), /differs from its file name/);
  });
});
