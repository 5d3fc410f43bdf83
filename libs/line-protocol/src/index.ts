export { isPrecision, normalizePrecision, parseLineProtocol, scanLineProtocol } from './parser';
export type {
  LineError,
  LinePoint,
  LinePrefix,
  LineVisitor,
  ParseResult,
  Precision,
  ScannedLine,
} from './parser';
