/** One measured configuration of the ablation. */
export interface StudyRow {
  /** The question the row answers (resolution, tta, head, precision, ort, decode, workers, batching, instances). */
  readonly group: string;
  readonly step: string;
  readonly config: Readonly<Record<string, string | number | boolean>>;
  /** Accuracy of this configuration, or of the model row it shares its model with (`accuracy_from`). */
  readonly validation_top1: number;
  readonly validation_macro_f1: number;
  /** Reported, never used for choosing; absent in --quick runs. */
  readonly test_top1?: number;
  readonly test_macro_f1?: number;
  /** 95 % Wilson interval on test top-1 (backbone rows). */
  readonly test_interval?: readonly [number, number];
  /** Backbone rows: every source held out in turn, a head fitted on the others, predictions pooled. */
  readonly leave_source_out?: {
    readonly n: number;
    readonly top1: number;
    readonly interval: readonly [number, number];
    readonly macro_f1: number;
  };
  /** Backbone rows: bytes of the combination's embedding graph (the head adds ~0.2 MB or less). */
  readonly model_bytes?: number;
  readonly accuracy_from?: string;
  /** inference: the backbone graph alone on preprocessed tensors; serving: in-process classifier, bytes in. */
  readonly speed_kind: 'inference' | 'serving';
  readonly p50_ms: number;
  readonly p99_ms: number;
  /** Images per second: batch 8 for inference rows, 8 concurrent callers for serving rows. */
  readonly throughput: number;
}

/** results/study.json */
export interface StudyResult {
  readonly schema: 'gourmetgram.study/1';
  readonly created: string;
  readonly quick: boolean;
  readonly machine: {
    readonly cores: number;
    readonly node: string;
    readonly load_average: readonly number[];
  };
  readonly data: {
    readonly root: string;
    readonly train: number;
    readonly validation: number;
    readonly test: number;
  };
  readonly head: Readonly<Record<string, string | number | boolean>>;
  readonly rows: readonly StudyRow[];
  /** Labels of rows on the Pareto front: accuracy against p99 latency, and against throughput. */
  readonly pareto: { readonly p99: readonly string[]; readonly throughput: readonly string[] };
}

/** Another team's whole model with its own head, scored on the same photos (no speed: not a candidate). */
export interface StudyPeerRow {
  readonly model: string;
  readonly head: string;
  readonly trained_on: string;
  readonly validation: Figures;
  readonly test: Figures;
  /** Every photo: the peer never saw any source, so this is its leave-source-out figure. */
  readonly every_photo: Figures;
}

interface Figures {
  readonly n: number;
  readonly top1: number;
  readonly interval: readonly [number, number];
  readonly macro_f1: number;
}

/** results/study-backbones.json (`gourmetgram study --backbones`). */
export interface BackboneStudyResult {
  readonly schema: 'gourmetgram.study-backbones/1';
  readonly created: string;
  readonly machine: StudyResult['machine'];
  readonly data: StudyResult['data'];
  readonly head: string;
  readonly embedded_as: string;
  readonly rows: readonly StudyRow[];
  readonly peer: StudyPeerRow;
  /** Labels of rows on the front of validation top-1 against batch-1 p50. */
  readonly pareto: { readonly p50: readonly string[] };
}
