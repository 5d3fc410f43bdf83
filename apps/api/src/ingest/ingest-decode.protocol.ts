import type { BodyFormat, DecodeLimits, JsonDecodeOutcome, LineDecodeOutcome } from './batch-decode';

export interface DecodeRequest {
  id: number;
  /** The request body (inflated), transferred. */
  body: Uint8Array;
  format: BodyFormat;
  limits: DecodeLimits;
}

export type DecodeResponse =
  { id: number; out: JsonDecodeOutcome | LineDecodeOutcome } | { id: number; error: string };
