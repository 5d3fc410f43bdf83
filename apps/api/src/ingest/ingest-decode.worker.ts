/**
 * Ingest decoder thread: parsing (JSON or line protocol), validation, series grouping and the content hash of a
 * batch, the CPU-heavy part of an ingest that needs no database, off the main thread (which keeps the database
 * I/O, rollups and live updates moving meanwhile).
 */
import { parentPort } from 'node:worker_threads';
import { decodeBody } from './batch-decode';
import type { DecodeRequest, DecodeResponse } from './ingest-decode.protocol';

const decoder = new TextDecoder();

parentPort!.on('message', (req: DecodeRequest) => {
  let res: DecodeResponse;
  const transfer: ArrayBuffer[] = [];
  try {
    const out = decodeBody(decoder.decode(req.body), req.format, req.limits);
    res = { id: req.id, out };
    if ('decoded' in out && 'batch' in out.decoded) {
      const b = out.decoded.batch;
      transfer.push(
        b.metricLength.buffer as ArrayBuffer,
        b.seriesIndex.buffer as ArrayBuffer,
        b.ts.buffer as ArrayBuffer,
        b.values.buffer as ArrayBuffer,
      );
    }
  } catch (err) {
    res = { id: req.id, error: (err as Error).message };
  }
  parentPort!.postMessage(res, transfer);
});
