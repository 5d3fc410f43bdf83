import { basename, dirname, join, resolve } from 'node:path';
import compression from 'compression';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Vite's output names: `assets/<name>-<8-character hash>.<ext>`; a new build gives a new name. */
const HASHED_ASSET = /-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;
const YEAR_IMMUTABLE = 'public, max-age=31536000, immutable';
/** Revalidate every time (a 304 with the ETag when unchanged), so a deploy's new index.html is picked up. */
const REVALIDATE = 'no-cache';

/**
 * gzip or brotli (whichever the client prefers; brotli at quality 4) for compressible answers of 1 kB and more:
 * the dashboard's JS, CSS and HTML and the API's JSON. Not for socket.io (its own per-message deflate; the engine
 * answers before express anyway), the ingest routes (tiny receipts), or server-sent event streams, which a
 * compression stream would hold back until it flushes.
 */
export function compressResponses(ingestPaths: ReadonlySet<string>): RequestHandler {
  return compression({
    threshold: 1024,
    filter: (req, res) => {
      if (ingestPaths.has(req.path) || req.path.startsWith('/socket.io')) return false;
      if (String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream')) return false;
      return compression.filter(req, res);
    },
  });
}

/** Cache-Control of a dashboard file: hashed assets for a year, index.html revalidated, anything else an hour. */
export function dashboardCacheControl(dir: string, file: string): string {
  const rel = resolve(file);
  if (dirname(rel) === resolve(dir, 'assets') && HASHED_ASSET.test(basename(rel))) return YEAR_IMMUTABLE;
  if (rel === resolve(dir, 'index.html')) return REVALIDATE;
  return 'public, max-age=3600';
}

/** The built dashboard: its files, and index.html for every other GET outside the API (client-side routes). */
export function serveDashboard(dir: string): RequestHandler[] {
  const files = express.static(dir, {
    index: 'index.html',
    setHeaders: (res, file) => res.setHeader('Cache-Control', dashboardCacheControl(dir, file)),
  });
  const fallback = (req: Request, res: Response, next: NextFunction) => {
    if (
      req.method !== 'GET' ||
      req.path.startsWith('/api') ||
      req.path.startsWith('/health') ||
      req.path.startsWith('/socket.io') ||
      req.path === '/metrics'
    )
      return next();
    res.setHeader('Cache-Control', REVALIDATE);
    res.sendFile(join(dir, 'index.html'));
  };
  return [files, fallback];
}
