import type { DecodeLimits, JsonDecodeOutcome } from './batch-decode';

export interface DecodeRequest {
  id: number;
  /** The request body (inflated), transferred. */
  body: Uint8Array;
  limits: DecodeLimits;
}

export type DecodeResponse = { id: number; out: JsonDecodeOutcome } | { id: number; error: string };
