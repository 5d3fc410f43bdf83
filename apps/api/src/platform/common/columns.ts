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

/** A list of strings as JSON text, or NULL (e.g. a regulator's regions: NULL is "all"). */
export const stringList: ValueTransformer = {
  to: (v: readonly string[] | null | undefined) => (v === null || v === undefined ? null : JSON.stringify(v)),
  from: (v: string | null) => (v === null || v === undefined ? null : (JSON.parse(v) as string[])),
};

export const nullableNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};
