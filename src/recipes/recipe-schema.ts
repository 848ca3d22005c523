import { z } from 'zod';
import { defaultServerLimits, serverLimitsSchema } from '../http/index.js';

const quantity = z
  .string()
  .regex(/^\d+(\.\d+)?(m|Mi|Gi|Ki)?$/, 'a Kubernetes quantity such as 500m, 1, 512Mi or 2Gi');

/** What model a recipe serves and how its head is trained. */
export const modelSchema = z.strictObject({
  backbone: z.string(),
  /** int8: the zoo's quantised graph as it is; fp32: the same graph dequantised (the predecessor's choice). */
  precision: z.enum(['int8', 'fp32']).default('int8'),
  input_size: z.number().int().min(96).max(512),
  /**
   * Further backbones run on the same photo inside the same graph, each at its own side and with its own
   * normalisation (from its JSON); the head reads all embeddings concatenated, `backbone`'s first.
   */
  extra_backbones: z
    .array(z.strictObject({ name: z.string(), input_size: z.number().int().min(96).max(512) }))
    .default([]),
  /** Folder under models/heads/ holding head.onnx and its card. */
  head: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  tta: z.strictObject({ flip: z.boolean().default(false) }).default({ flip: false }),
  training: z
    .strictObject({
      /** Random resized crops per training photo, besides its centre crop. */
      augment_views: z.number().int().min(0).max(16).default(0),
      validation_fraction: z.number().gt(0).lt(0.5).default(0.2),
      seed: z.number().int().default(11),
      epochs: z.number().int().positive().default(30),
      search: z
        .strictObject({
          hidden: z.array(z.number().int().min(0)).nonempty().default([0]),
          l2: z.array(z.number().min(0)).nonempty().default([1e-3]),
          balance_classes: z.array(z.boolean()).nonempty().default([true]),
        })
        .default({ hidden: [0], l2: [1e-3], balance_classes: [true] }),
      /** A nearest-neighbour memory blended with the head; its temperature and share are chosen on validation. */
      memory: z
        .strictObject({
          temperature: z.array(z.number().positive()).nonempty(),
          weight: z.array(z.number().min(0).max(1)).nonempty(),
        })
        .optional(),
    })
    .default({
      augment_views: 0,
      validation_fraction: 0.2,
      seed: 11,
      epochs: 30,
      search: { hidden: [0], l2: [1e-3], balance_classes: [true] },
    }),
});

/** How one replica serves: Triton-style batching, admission control, threads. */
export const servingSchema = z.strictObject({
  /** pool: worker threads and a dynamic batcher; inline: synchronous in the request handler (the predecessor). */
  mode: z.enum(['pool', 'inline']).default('pool'),
  instances: z.number().int().min(1).max(64).default(1),
  /** Workers kept when idle (default: `instances`, a fixed pool); 0 lets an idle replica free every session. */
  min_instances: z.number().int().min(0).max(64).optional(),
  /** Seconds a worker above `min_instances` may sit idle before it and its session memory are released. */
  idle_release_s: z.number().min(0).default(30),
  intra_op_threads: z.number().int().min(1).max(64).default(1),
  /**
   * Threads for a lone photo: a batch of one that starts while every other worker is idle and nothing waits
   * runs on a second session with this many threads, spinning only while it runs. Absent, or not above
   * `intra_op_threads`: one session.
   */
  lone_intra_op_threads: z.number().int().min(2).max(64).optional(),
  graph_optimization: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  max_batch_size: z.number().int().min(1).max(256).default(8),
  max_queue_delay_ms: z.number().min(0).max(1000).default(2),
  preferred_batch_sizes: z.array(z.number().int().min(1)).default([]),
  max_queue: z.number().int().min(1).default(64),
  timeout_ms: z.number().int().positive().default(2000),
  max_body_bytes: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  /**
   * Body bytes that admitted requests may hold at once (being read, queued or decoding); past it a new
   * request gets 429 before its body is read. Default: four of the largest bodies. Each admitted body also
   * costs a copy in the worker, so the memory it bounds is about twice this.
   */
  body_budget_bytes: z.number().int().positive().optional(),
  max_pixels: z.number().int().positive().default(50_000_000),
  /**
   * Decoded pixels all workers may hold at once (default: max_pixels, so 50-megapixel photos decode one at a
   * time); JPEGs count at the scale libjpeg shrinks them to. Bounds decode memory whatever the load.
   */
  decode_pixel_budget: z.number().int().positive().optional(),
  /** Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the target is small (false: full-size decode). */
  shrink_on_load: z.boolean().default(true),
  /**
   * Who builds a JPEG's centre crop at full-size decode: libjpeg-turbo and a C Lanczos-3 (native/, ~2 ms less per
   * 512-px photo, the same pixels; sharp where it is not built) or libvips through sharp.
   */
  jpeg_decoder: z.enum(['libjpeg', 'libvips']).default('libjpeg'),
  /** Timeouts and the connection cap of the HTTP server (slow clients, descriptor exhaustion). */
  http: serverLimitsSchema.default(defaultServerLimits),
});

export const resourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: quantity, memory: quantity }),
  limits: z.strictObject({ cpu: quantity, memory: quantity }),
});

export const autoscalingSchema = z.strictObject({
  min_replicas: z.number().int().min(0),
  max_replicas: z.number().int().min(1),
  metric: z.enum(['cpu', 'inflight', 'queue_depth']),
  /** Percent for cpu; requests per replica for inflight and queue_depth. */
  target: z.number().positive(),
  scale_down_delay_s: z.number().int().min(0).default(300),
});

/** A deployment recipe: the single source of truth for the server, benchmarks, manifests and the deck. */
export const recipeSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    description: z.string(),
    model: modelSchema,
    serving: servingSchema.default(servingSchema.parse({})),
    resources: resourcesSchema.optional(),
    autoscaling: autoscalingSchema.optional(),
  })
  .superRefine((recipe, ctx) => {
    const a = recipe.autoscaling;
    if (a && a.min_replicas > a.max_replicas)
      ctx.addIssue({
        code: 'custom',
        path: ['autoscaling', 'min_replicas'],
        message: 'must not exceed max_replicas',
      });
    const s = recipe.serving;
    for (const size of s.preferred_batch_sizes)
      if (size > s.max_batch_size)
        ctx.addIssue({
          code: 'custom',
          path: ['serving', 'preferred_batch_sizes'],
          message: `${size} > max_batch_size`,
        });
  });

export type Recipe = z.infer<typeof recipeSchema>;
export type ModelConfig = Recipe['model'];

/** Every backbone a model runs, in the order their embeddings are concatenated. */
export function recipeBackbones(
  model: Pick<ModelConfig, 'backbone' | 'input_size'> & {
    readonly extra_backbones?: ModelConfig['extra_backbones'];
  },
): { readonly name: string; readonly input_size: number }[] {
  return [{ name: model.backbone, input_size: model.input_size }, ...(model.extra_backbones ?? [])];
}
export type ServingConfig = Recipe['serving'];

/** Side of the packaged model's input: the largest any backbone uses (the others resize in the graph). */
export function modelInputSize(model: Parameters<typeof recipeBackbones>[0]): number {
  return Math.max(...recipeBackbones(model).map((b) => b.input_size));
}
