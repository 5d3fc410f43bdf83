import { setImmediate as nextTick } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { GENESIS_HASH, type ReceiptInfo } from '@dcfleet/contracts';
import { RetryLater } from '../platform/common/retry-later';
import type { SiteEntity } from '../sites/sites.module';
import { receiptHash } from '../telemetry/telemetry.module';
import { ReceiptDeepCheck } from './receipt-deep-check';
import { ReceiptsRepository, type ReceiptRow } from './receipts.repository';
import type { ChainBreak, ChainVerification, ReceiptPage } from './receipts.types';

interface Checkpoint {
  seq: number;
  hash: string;
  /** When the full pass that reached this checkpoint started. */
  fullPassAt: number;
}

/** An incremental verification trusts the prefix checked by a full pass for this long. */
const CHECKPOINT_MAX_AGE_MS = 60 * 60_000;

@Injectable()
export class ReceiptsService {
  /** Receipts read per query while walking a chain. */
  pageSize = 5000;
  private readonly checkpoints = new Map<number, Checkpoint>();
  /** The deep check running on this instance (one at a time: it reads a site's whole raw history). */
  private deepRunning: { site: string; startedAt: number } | null = null;

  constructor(
    private readonly repo: ReceiptsRepository,
    private readonly deepCheck: ReceiptDeepCheck,
  ) {}

  /**
   * Newest sample time the site's recent receipts show (its last 20 batches), whichever instance took them: how
   * the alarm engine tells a site that reports to another API instance from a silent one.
   */
  newestSampleTs(siteId: number): Promise<number | null> {
    return this.repo.newestSampleTs(siteId, 20);
  }

  static toInfo(code: string, r: ReceiptRow): ReceiptInfo {
    return {
      id: String(r.id),
      seq: r.seq,
      datacenter: code,
      accepted: r.accepted,
      rejected: r.rejected,
      contentHash: r.contentHash,
      prevHash: r.prevHash,
      hash: r.hash,
      minTs: r.minTs === null ? null : new Date(r.minTs).toISOString(),
      maxTs: r.maxTs === null ? null : new Date(r.maxTs).toISOString(),
      receivedAt: new Date(r.receivedAt).toISOString(),
    };
  }

  async list(site: SiteEntity, before: number | null, limit: number): Promise<ReceiptPage> {
    const rows = await this.repo.page(site.id, before, limit);
    const last = rows.at(-1);
    return {
      datacenter: site.code,
      receipts: rows.map((r) => ReceiptsService.toInfo(site.code, r)),
      nextBefore: rows.length === limit && last && last.seq > 1 ? last.seq : null,
    };
  }

  chainHead(siteId: number): Promise<{ seq: number; hash: string }> {
    return this.repo.chainHead(siteId);
  }

  countOverlapping(siteId: number, from: number, to: number): Promise<number> {
    return this.repo.countOverlapping(siteId, from, to);
  }

  /**
   * The chain check of `verify`, then the deep check (ReceiptDeepCheck): the site's stored samples re-hashed against
   * each receipt's content hash up to the head the chain check saw. One at a time per instance: a second request
   * while one runs gets 429 + Retry-After. `valid` holds only if the chain is intact and no receipt mismatches.
   */
  async verifyDeep(site: SiteEntity): Promise<ChainVerification> {
    if (this.deepRunning) {
      const running = this.deepRunning;
      const elapsedS = Math.round((Date.now() - running.startedAt) / 1000);
      throw new RetryLater(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `a deep receipt check (${running.site}, running for ${elapsedS} s) is in progress on this instance; retry after the delay in Retry-After`,
        },
        Math.min(60, Math.max(5, elapsedS)),
      );
    }
    this.deepRunning = { site: site.code, startedAt: Date.now() };
    try {
      const chain = await this.verify(site);
      const deep = await this.deepCheck.run(site.id, chain.head.seq);
      return { ...chain, valid: chain.valid && deep.mismatch === 0, deep };
    } finally {
      this.deepRunning = null;
    }
  }

  /**
   * Recomputes every receipt's hash from its stored fields in seq order, checks that each prev_hash is the
   * previous receipt's hash (GENESIS_HASH for seq 1), that no seq is missing, and that the site's recorded
   * head is the last receipt. Streams the chain in pages of `pageSize` and yields between pages, so a chain
   * of millions does not block the event loop.
   *
   * `incremental`: continue from the checkpoint of a full pass less than an hour old (only receipts added
   * since are read). The verify endpoint always runs a full pass.
   */
  async verify(site: SiteEntity, opts: { incremental?: boolean } = {}): Promise<ChainVerification> {
    const startedAt = Date.now();
    const head = await this.repo.chainHead(site.id);
    const cp = this.checkpoints.get(site.id);
    const resume =
      opts.incremental && cp && startedAt - cp.fullPassAt < CHECKPOINT_MAX_AGE_MS && cp.seq <= head.seq
        ? cp
        : undefined;

    let expectedSeq = resume ? resume.seq + 1 : 1;
    let prevHash = resume ? resume.hash : GENESIS_HASH;
    let lastId: number | null = null;
    let checked = 0;
    let broken: ChainBreak | null = null;

    walk: for (;;) {
      const rows = await this.repo.ascending(site.id, expectedSeq - 1, head.seq, this.pageSize);
      for (const r of rows) {
        if (r.seq !== expectedSeq) {
          broken = {
            seq: r.seq,
            id: String(r.id),
            reason: 'sequence gap',
            detail: `expected seq ${expectedSeq}, found ${r.seq}`,
          };
          break walk;
        }
        if (r.prevHash !== prevHash) {
          broken = {
            seq: r.seq,
            id: String(r.id),
            reason: 'prev link broken',
            detail: `prev_hash ${r.prevHash} is not the hash of receipt ${r.seq - 1} (${prevHash})`,
          };
          break walk;
        }
        const recomputed = receiptHash({
          site: site.code,
          seq: r.seq,
          prevHash: r.prevHash,
          receivedAt: r.receivedAt,
          accepted: r.accepted,
          rejected: r.rejected,
          contentHash: r.contentHash,
        });
        if (recomputed !== r.hash) {
          broken = {
            seq: r.seq,
            id: String(r.id),
            reason: 'hash mismatch',
            detail: `stored hash ${r.hash} differs from the hash of the stored fields ${recomputed}`,
          };
          break walk;
        }
        prevHash = r.hash;
        lastId = r.id;
        expectedSeq++;
        checked++;
      }
      if (rows.length < this.pageSize) break;
      await nextTick();
    }

    if (!broken && expectedSeq - 1 < head.seq) {
      broken = {
        seq: expectedSeq,
        id: null,
        reason: 'sequence gap',
        detail: `receipts ${expectedSeq}..${head.seq} are missing (the site's head is seq ${head.seq})`,
      };
    } else if (!broken && head.seq > 0 && prevHash !== head.hash) {
      broken = {
        seq: head.seq,
        id: lastId === null ? null : String(lastId),
        reason: 'head mismatch',
        detail: `the site's recorded chain head ${head.hash} is not the hash of its last receipt (${prevHash})`,
      };
    }

    const valid = broken === null;
    if (valid) {
      this.checkpoints.set(site.id, {
        seq: head.seq,
        hash: head.hash,
        fullPassAt: resume ? resume.fullPassAt : startedAt,
      });
    } else {
      this.checkpoints.delete(site.id);
    }
    return {
      datacenter: site.code,
      receipts: (resume?.seq ?? 0) + checked,
      head: { seq: head.seq, hash: head.hash },
      valid,
      firstBroken: broken,
      verifiedAt: new Date(startedAt).toISOString(),
      scope: resume ? 'incremental' : 'full',
    };
  }
}
