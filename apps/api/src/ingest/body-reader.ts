import { createGunzip } from 'node:zlib';
import { HttpException } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Reads a request body with hard limits, before anything is parsed or stored. gzip bodies are inflated
 * with the same limit on the inflated size, so a small bomb cannot exhaust memory.
 */
export async function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new HttpException(
      {
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `Content-Encoding ${encoding} not supported (use gzip)`,
      },
      415,
    );
  }
  const source: NodeJS.ReadableStream = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        req.unpipe();
        req.resume(); // drain so the 413 can be sent on this connection
        throw tooLarge(limit);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof HttpException) throw err;
    throw new HttpException(
      { statusCode: 400, error: 'Bad Request', message: `unreadable body: ${(err as Error).message}` },
      400,
    );
  }
  return Buffer.concat(chunks, size);
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
