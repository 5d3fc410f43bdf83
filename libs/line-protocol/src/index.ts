export { isPrecision, normalizePrecision, parseLineProtocol } from './parser';
export type { LineError, LinePoint, ParseResult, Precision } from './parser';
