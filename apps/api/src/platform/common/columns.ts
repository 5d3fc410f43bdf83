import type { ValueTransformer } from 'typeorm';

/**
 * All instants are stored as epoch milliseconds (BIGINT): identical on SQLite and PostgreSQL, free of
 * session time zones, and what the hot path writes without conversion. The pg driver returns BIGINT as a
 * string, so entities read them through this transformer.
 */
export const epochMs: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};

export const nullableNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};
