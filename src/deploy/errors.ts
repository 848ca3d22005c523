import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of rendering deployments and modelling their cost. */
export const deployErrorCodes = {
  GG_ERR_DEPLOY_RECIPE: { status: 400, summary: 'a recipe without a section the target needs' },
  GG_ERR_PBTXT: { status: 400, summary: 'text that is not valid protobuf text format (config.pbtxt)' },
  GG_ERR_TRITON_CONFIG: {
    status: 500,
    summary: 'a Triton config that does not describe the model beside it',
  },
  GG_ERR_TRACE: { status: 400, summary: 'a load trace file that fails its schema' },
  GG_ERR_COST_FIGURES: { status: 400, summary: 'the cost model has no measured figures for the recipe' },
} as const satisfies ErrorCatalogue;

/** Errors of rendering deployments and modelling their cost. Each has a code of `deployErrorCodes`. */
export class DeployError extends codedErrorBase(deployErrorCodes) {}

/** A recipe that lacks a section a target needs (resources for every manifest, autoscaling for autoscalers). */
export class RecipeSectionMissingError extends DeployError {
  constructor(recipe: string, section: string, target: string) {
    super(
      'GG_ERR_DEPLOY_RECIPE',
      `recipe '${recipe}' has no '${section}' section, which target '${target}' needs`,
    );
  }
}

/** Text that is not valid protobuf text format (Triton's config.pbtxt). */
export class PbtxtSyntaxError extends DeployError {
  constructor(message: string, line: number, column: number) {
    super('GG_ERR_PBTXT', `config.pbtxt ${line}:${column}: ${message}`);
  }
}

/** A Triton config that does not describe the model it sits beside. */
export class TritonConfigMismatchError extends DeployError {
  constructor(problems: readonly string[]) {
    super('GG_ERR_TRITON_CONFIG', `config.pbtxt does not match the model: ${problems.join('; ')}`);
  }
}

/** A load trace file that does not pass its schema. */
export class TraceError extends DeployError {
  constructor(path: string, details: string, options?: { cause?: unknown }) {
    super('GG_ERR_TRACE', `load trace ${path} is not valid: ${details}`, options);
  }
}

/** The cost model needs measured figures; it refuses to guess them. */
export class MissingFiguresError extends DeployError {
  constructor(recipe: string, missing: readonly string[], searched: string) {
    super(
      'GG_ERR_COST_FIGURES',
      `no measured ${missing.join(', ')} for recipe '${recipe}': run the benchmarks (they write ${searched}) ` +
        'or pass the figures as flags; the cost model never invents them',
    );
  }
}
