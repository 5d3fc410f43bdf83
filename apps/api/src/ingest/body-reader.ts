import { createGunzip } from 'node:zlib';
import { HttpException } from '@nestjs/common';
import type { Request } from 'express';

export interface BodyLimits {
  /** Bytes after inflating (INGEST_MAX_BODY_BYTES). */
  maxBytes: number;
  /** The whole body must have arrived by then (INGEST_BODY_TIMEOUT_MS). */
  timeoutMs: number;
}

/**
 * Reads a request body with hard limits, before anything is parsed or stored. gzip bodies are inflated with the
 * same limit on the inflated size, so a small bomb cannot exhaust memory. A body that has not fully arrived within
 * the deadline is answered 408 and its connection closed: a client trickling bytes would otherwise hold an ingest
 * slot for as long as it likes (slow loris). `passEncoding` is a Content-Encoding the caller decodes itself
 * (Prometheus remote-write's snappy block format, no stream codec): such a body is returned as it came, the
 * limit applying to its size as sent; the caller bounds what it inflates to.
 */
export function readBody(req: Request, limits: BodyLimits, passEncoding?: string): Promise<Buffer> {
  const { maxBytes, timeoutMs } = limits;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== passEncoding) {
    return Promise.reject(
      new HttpException(
        {
          statusCode: 415,
          error: 'Unsupported Media Type',
          message: `Content-Encoding ${encoding} not supported (use gzip)`,
        },
        415,
      ),
    );
  }
  const source: NodeJS.ReadableStream = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: HttpException | null): void => {
      clearTimeout(timer);
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      if (err) {
        if (source !== req) req.unpipe();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        finish(tooLarge(maxBytes));
        req.resume(); // drain so the 413 can be sent on this connection
      } else chunks.push(chunk);
    };
    const onEnd = (): void => finish(null);
    const onError = (err: Error): void =>
      finish(
        new HttpException(
          { statusCode: 400, error: 'Bad Request', message: `unreadable body: ${err.message}` },
          400,
        ),
      );
    const timer = setTimeout(() => {
      // The rest of the body is never read: the answer closes the connection instead of draining it.
      req.res?.setHeader('Connection', 'close');
      req.pause();
      finish(
        new HttpException(
          {
            statusCode: 408,
            error: 'Request Timeout',
            message: `body not received within INGEST_BODY_TIMEOUT_MS (${timeoutMs} ms)`,
          },
          408,
        ),
      );
    }, timeoutMs);
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
  });
}

function tooLarge(limit: number): HttpException {
  return new HttpException(
    {
      statusCode: 413,
      error: 'Payload Too Large',
      message: `body larger than INGEST_MAX_BODY_BYTES (${limit} bytes)`,
    },
    413,
  );
}
