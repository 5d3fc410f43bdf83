export * from './metrics';
export * from './site';
export * from './roles';
export * from './ingest';
export * from './api';
export * from './live';
export * from './receipt';
export * from './schemas';
