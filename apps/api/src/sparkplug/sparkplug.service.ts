import { createHash } from 'node:crypto';
import { HttpException, Injectable, Logger } from '@nestjs/common';
import type { IngestEntry, IngestRejection, IngestResponse } from '@dcfleet/contracts';
import { decodeEntries, IngestDecoder, IngestService } from '../ingest/ingest.module';
import { LiveFeed } from '../live/live.module';
import type { IngestPrincipal } from '../platform/access/access.types';
import { SitesService, type SiteEntity } from '../sites/sites.module';
import { SnapshotService } from '../telemetry/telemetry.module';
import { SparkplugAliases } from './sparkplug-aliases';
import { decodeSparkplug, type SparkplugMessage } from './sparkplug-codec';
import { targetOf, type SparkplugRule } from './sparkplug-mapping';
import { keyLabel, SparkplugMappingsService } from './sparkplug-mappings.service';
import { parseSparkplugTopic, type SparkplugTopic } from './sparkplug-topic';

/** What became of one Sparkplug message (the MQTT transport acknowledges and counts by `kind`). */
export type SparkplugOutcome =
  /** Data stored durably: resolved only after the commit. */
  | {
      kind: 'stored';
      site: string;
      accepted: number;
      rejected: { index: number; reason: string }[];
      receipt: IngestResponse['receipt'];
    }
  /** NBIRTH/DBIRTH/NDEATH/DDEATH handled: the site's status set. */
  | { kind: 'state'; site: string; online: boolean }
  /** NCMD/DCMD/STATE, a stale death, or a topic with no mapping when the caller allows unmapped ones. */
  | { kind: 'ignored'; reason: string }
  /** Bad topic or payload, unmapped edge node or device, site not allowed for this publisher, no valid metric. */
  | { kind: 'refused'; reason: string };

export interface SparkplugHandleOptions {
  /** An unmapped edge node or device: refused (default) or ignored (a bridge subscribed to more than dcfleet maps). */
  unmapped?: 'refuse' | 'ignore';
  /** The publishing ingest token's id (built-in listener), recorded on the receipt instead of the mapping. */
  tokenId?: string;
}

const refused = (reason: string): SparkplugOutcome => ({ kind: 'refused', reason });
const ignored = (reason: string): SparkplugOutcome => ({ kind: 'ignored', reason });

/**
 * Sparkplug B messages (docs/contract.md, "Sparkplug B"), whichever MQTT transport delivered them: DATA becomes a
 * batch on the ingest write path (receipts, durability, rollups, limits), BIRTH and DEATH set the mapped site's
 * status. `handle` throws only for what a retry can cure (429 overloaded or over the site's rate, 503 storage
 * down): nothing of the message was stored, and it should be redelivered.
 */
@Injectable()
export class SparkplugService {
  private readonly logger = new Logger('Sparkplug');
  private readonly aliases = new SparkplugAliases();
  /** The bdSeq of each edge node's last NBIRTH (`group/edge`): an NDEATH with another is an older session's will. */
  private readonly bdSeq = new Map<string, number>();

  constructor(
    private readonly mappings: SparkplugMappingsService,
    private readonly ingest: IngestService,
    private readonly decoder: IngestDecoder,
    private readonly sites: SitesService,
    private readonly snapshots: SnapshotService,
    private readonly live: LiveFeed,
  ) {}

  /**
   * `topic` is the full MQTT topic (spBv1.0/<group>/<type>/<edge>[/<device>]); `allowedSiteId` the publishing
   * token's site on the built-in listener, or null for the existing-broker bridge (no per-message credential: the
   * mapping alone decides).
   */
  async handle(
    topic: string,
    payload: Buffer,
    allowedSiteId: number | null,
    options: SparkplugHandleOptions = {},
  ): Promise<SparkplugOutcome> {
    const receivedAt = Date.now();
    const t = parseSparkplugTopic(topic);
    if ('state' in t) return ignored('STATE is a host application’s own status');
    if ('problem' in t) return refused(t.problem);
    if (t.type === 'NCMD' || t.type === 'DCMD') return ignored(`${t.type} is a command to the edge node`);

    // The mapping: a device's own, else its edge node's; node messages, the edge node's. A node's birth and death
    // concern its devices' sites too (a death takes them offline; a birth starts their alias tables afresh).
    const rule =
      (t.device === null ? undefined : await this.mappings.rule(t)) ??
      (await this.mappings.rule({ ...t, device: null }));
    const affected =
      t.type === 'NBIRTH' || t.type === 'NDEATH'
        ? await this.mappings.rulesOfEdge(t.group, t.edge)
        : rule
          ? [rule]
          : [];
    if (affected.length === 0) {
      const reason = `no Sparkplug mapping for ${keyLabel(t)}`;
      return options.unmapped === 'ignore' ? ignored(reason) : refused(reason);
    }
    const sites: SiteEntity[] = [];
    for (const r of affected) {
      const site = await this.sites.byIdCached(r.siteId);
      if (!site) return refused(`the site mapped to ${keyLabel(r)} no longer exists`);
      if (allowedSiteId !== null && site.id !== allowedSiteId)
        return refused(`${keyLabel(t)} is mapped to ${site.code}, not this token's site`);
      sites.push(site);
    }

    const decoded = decodeSparkplug(payload);
    if ('problem' in decoded) return refused(decoded.problem);
    const message = decoded.message;
    const d: Delivery = { t, rule: rule!, site: sites[0]!, message, payload, topic, receivedAt, options };
    switch (t.type) {
      case 'NBIRTH':
        this.aliases.birth(t.group, t.edge, null, message.metrics);
        this.rememberBdSeq(t, message);
        if (!rule)
          return ignored(
            `no mapping of the edge node ${keyLabel(t)} itself: its devices come online with their DBIRTH`,
          );
        await this.storeBirth(d);
        return this.presence(d.site, true, receivedAt);
      case 'DBIRTH':
        this.aliases.birth(t.group, t.edge, t.device, message.metrics);
        await this.storeBirth(d);
        return this.presence(d.site, true, receivedAt);
      case 'DDEATH':
        return this.presence(d.site, false, receivedAt);
      case 'NDEATH': {
        const stale = this.staleDeath(t, message);
        if (stale) return ignored(stale);
        for (const site of sites.slice(1)) this.presence(site, false, receivedAt);
        return this.presence(d.site, false, receivedAt);
      }
      case 'NDATA':
      case 'DDATA':
        return this.store(d, false);
    }
  }

  /**
   * A birth certificate carries every metric's current value, and edge nodes that report by exception may not send a
   * value again until it changes: its numeric metrics are stored like DATA (with a receipt of their own). What a
   * birth holds besides (bdSeq, control metrics, strings, properties) is dropped without a rejection; a refused
   * store does not stop the birth from setting the status.
   */
  private async storeBirth(d: Delivery): Promise<void> {
    const out = await this.store(d, true);
    if (out.kind === 'refused')
      this.logger.warn(`${d.topic}: the birth's values were not stored: ${out.reason.slice(0, 300)}`);
  }

  private presence(site: SiteEntity, online: boolean, at: number): SparkplugOutcome {
    this.snapshots.setPresence(site.id, online, at);
    this.live.siteChanged(site.id, site.code);
    return { kind: 'state', site: site.code, online };
  }

  private rememberBdSeq(t: SparkplugTopic, message: SparkplugMessage): void {
    const bd = bdSeqOf(message);
    const key = SparkplugAliases.keyOf(t.group, t.edge, null);
    if (bd === undefined) this.bdSeq.delete(key);
    else this.bdSeq.set(key, bd);
  }

  /** Why an NDEATH is an older session's (its bdSeq is not the last NBIRTH's), or undefined. */
  private staleDeath(t: SparkplugTopic, message: SparkplugMessage): string | undefined {
    const born = this.bdSeq.get(SparkplugAliases.keyOf(t.group, t.edge, null));
    const bd = bdSeqOf(message);
    if (born === undefined || bd === undefined || bd === born) return undefined;
    return `NDEATH bdSeq ${bd} is not the current session's (${born}): an older session's will`;
  }

  /**
   * A message's metrics as ingest entries, each with its metric's index in the payload (rejections name payload
   * indices), and the metrics refused before validation: unresolvable aliases, non-numbers, unnamed, untimed.
   */
  private samplesOf(
    d: Delivery,
    birth: boolean,
  ): { entries: IngestEntry[]; indexOf: number[]; rejected: IngestRejection[] } {
    const { t, rule, message } = d;
    const entries: IngestEntry[] = [];
    const indexOf: number[] = [];
    const rejected: IngestRejection[] = [];
    message.metrics.forEach((m, index) => {
      let name = m.name;
      if (name === null && m.alias !== null) {
        const found = this.aliases.resolve(t.group, t.edge, t.device, m.alias);
        if ('missing' in found) {
          const born = t.device === null ? 'NBIRTH' : 'DBIRTH';
          rejected.push({
            index,
            reason:
              found.missing === 'unborn'
                ? `alias ${m.alias} without a name, and no ${born} of ${keyLabel(t)} seen since dcfleet started: send a rebirth`
                : `alias ${m.alias} is not in the last ${born} of ${keyLabel(t)}`,
          });
          return;
        }
        name = found.name;
      }
      if (name === null) {
        rejected.push({ index, reason: 'metric has neither a name nor an alias' });
        return;
      }
      const label = `"${name.slice(0, 64)}"`;
      // A birth's metadata (strings, control metrics) is no sample and no mistake either: dropped unremarked.
      const reading = m.reading;
      if ('problem' in reading) {
        if (!birth) rejected.push({ index, reason: `${label}: ${reading.problem}` });
        return;
      }
      const target = targetOf(rule, name, t.device);
      if ('problem' in target) {
        if (!birth) rejected.push({ index, reason: `${label}: ${target.problem}` });
        return;
      }
      const ts = m.timestamp ?? message.timestamp;
      if (ts === null) {
        rejected.push({
          index,
          reason: `${label}: no timestamp (neither the metric nor the payload has one)`,
        });
        return;
      }
      entries.push({ metric: target.metric, value: reading.value, ts, labels: target.labels });
      indexOf.push(index);
    });
    return { entries, indexOf, rejected };
  }

  /** Stores a message's samples; resolves after the commit, or with the refusal (nothing of it stored). */
  private async store(d: Delivery, birth: boolean): Promise<SparkplugOutcome> {
    const { rule, site, payload, topic, receivedAt } = d;
    const { entries, indexOf, rejected } = this.samplesOf(d, birth);
    if (birth && entries.length === 0) return ignored('no numeric metric in the birth');

    const decoded = decodeEntries(entries, this.decoder.limits(receivedAt));
    if ('refusal' in decoded) {
      for (const r of decoded.refusal.rejected ?? [])
        rejected.push({ index: indexOf[r.index]!, reason: r.reason });
      const reasons = rejected
        .sort((a, b) => a.index - b.index)
        .slice(0, 5)
        .map((r) => `metric ${r.index}: ${r.reason}`);
      const detail = reasons.length ? `: ${reasons.join('; ')}${rejected.length > 5 ? '; …' : ''}` : '';
      const why =
        decoded.refusal.status === 413 ? decoded.refusal.message : `no valid metric in the message${detail}`;
      return refused(why);
    }
    // The receipt names the payload's metrics: refusals here and the decoder's, by metric index.
    for (const r of decoded.batch.rejected) rejected.push({ index: indexOf[r.index]!, reason: r.reason });
    rejected.sort((a, b) => a.index - b.index);
    decoded.batch.rejected = rejected;

    const principal: IngestPrincipal = {
      tokenId: d.options.tokenId ?? `sparkplug:${rule.id}`,
      siteId: site.id,
      siteCode: site.code,
    };
    // A redelivered message (QoS 1 after a lost PUBACK, a bridge's persistent session) is the same bytes on the
    // same topic: the key makes it a replay of its first receipt rather than a second one.
    const key = `sparkplug:${createHash('sha256').update(topic).update('\0').update(payload).digest('hex')}`;
    const release = this.ingest.admit(site.id);
    try {
      const out = await this.ingest.ingestDecoded(principal, decoded, key, receivedAt);
      return {
        kind: 'stored',
        site: site.code,
        accepted: out.response.accepted,
        rejected: out.response.rejected.map((r) => ({ index: r.index, reason: r.reason })),
        receipt: out.response.receipt,
      };
    } catch (err) {
      if (err instanceof HttpException && ![429, 503].includes(err.getStatus()))
        return refused(messageOf(err));
      if (!(err instanceof HttpException))
        this.logger.error(`${topic}: ${(err as Error)?.stack ?? String(err)}`);
      throw err;
    } finally {
      release();
    }
  }
}

/** One message on its way: where it came from, what it maps to, what it holds. */
interface Delivery {
  t: SparkplugTopic;
  /** The mapping that applies (the device's own or its edge node's). */
  rule: SparkplugRule;
  site: SiteEntity;
  message: SparkplugMessage;
  payload: Buffer;
  topic: string;
  receivedAt: number;
  options: SparkplugHandleOptions;
}

function bdSeqOf(message: SparkplugMessage): number | undefined {
  const m = message.metrics.find((x) => x.name === 'bdSeq');
  return m && 'value' in m.reading ? m.reading.value : undefined;
}

function messageOf(err: HttpException): string {
  const r = err.getResponse();
  return typeof r === 'string' ? r : String((r as { message?: unknown }).message ?? err.message);
}
