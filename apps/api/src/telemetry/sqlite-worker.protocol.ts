import type { BatchInput, BatchOutput, RollupFlush } from './telemetry-store';

export interface WorkerRequest {
  id: number;
  op: string;
  args: unknown[];
}

export type WorkerResponse =
  { id: number; result: unknown } | { id: number; error: { message: string; code?: string } };

/** A flush (or a slice of one) crosses to the writer with its packed levels transferred, not cloned. */
export function flushTransfer(flush: Pick<RollupFlush, 'levels'>): ArrayBuffer[] {
  return flush.levels.flatMap((l) => [l.merges.buffer, l.recompute.buffer] as ArrayBuffer[]);
}

/**
 * A batch crosses to the writer with its per-sample columns as transferred Float64Arrays: structured cloning
 * three 5,000-element number arrays cost ~1 ms of the main thread per batch, the copies below ~50 µs.
 */
export type PackedBatch = Omit<BatchInput, 'seriesRefs' | 'ts' | 'values'> & {
  seriesRefs: Float64Array;
  ts: Float64Array;
  values: Float64Array;
};

export type PackedBatchOutput =
  | { kind: 'replay'; response: string }
  | (Omit<Extract<BatchOutput, { kind: 'stored' }>, 'seriesIds'> & { seriesIds: Int32Array });

export function packBatch(input: BatchInput): { packed: PackedBatch; transfer: ArrayBuffer[] } {
  const packed: PackedBatch = {
    ...input,
    seriesRefs: Float64Array.from(input.seriesRefs),
    ts: Float64Array.from(input.ts),
    values: Float64Array.from(input.values),
  };
  return {
    packed,
    transfer: [packed.seriesRefs.buffer, packed.ts.buffer, packed.values.buffer] as ArrayBuffer[],
  };
}

export function unpackBatch(p: PackedBatch): BatchInput {
  return { ...p, seriesRefs: Array.from(p.seriesRefs), ts: Array.from(p.ts), values: Array.from(p.values) };
}

export function packBatchOutput(out: BatchOutput): { packed: PackedBatchOutput; transfer: ArrayBuffer[] } {
  if (out.kind === 'replay') return { packed: out, transfer: [] };
  const seriesIds = Int32Array.from(out.seriesIds);
  return {
    packed: { ...out, seriesIds },
    transfer: [seriesIds.buffer, out.status.buffer] as ArrayBuffer[],
  };
}

export function unpackBatchOutput(p: PackedBatchOutput): BatchOutput {
  return p.kind === 'replay' ? p : { ...p, seriesIds: Array.from(p.seriesIds) };
}
