import { types } from 'pg';

// BIGINT (int8) columns hold epoch milliseconds, far below 2^53: read them as numbers. Process-wide for pg, so
// every thread that opens a pool imports this (data-source.ts, the PostgreSQL background worker).
types.setTypeParser(20, (v: string) => Number(v));
