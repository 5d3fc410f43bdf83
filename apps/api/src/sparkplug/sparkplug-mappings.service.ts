import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  SPARKPLUG_ID_PATTERN,
  type SparkplugMappingInfo,
  type SparkplugMappingInput,
  type SparkplugMetricTarget,
} from '@dcfleet/contracts';
import type { Repository } from 'typeorm';
import { inScope, type Scope } from '../platform/access/scope';
import { SitesService } from '../sites/sites.module';
import { SparkplugMappingEntity } from './sparkplug-mapping.entity';
import type { SparkplugRule } from './sparkplug-mapping';

/** What a mapping is keyed by: group, edge node and device (null: the whole edge node). */
export interface SparkplugKey {
  group: string;
  edge: string;
  device: string | null;
}

/**
 * The message path reads mappings from memory, reloaded when older than this: a change made on another instance
 * applies there within it (at once on the instance that made it).
 */
const CACHE_MS = 5_000;
/** A topic with no mapping reloads the cache at most this often (an unmapped publisher cannot make every message a query). */
const MISS_RELOAD_MS = 1_000;

export function keyLabel(k: SparkplugKey): string {
  return k.device === null ? `${k.group}/${k.edge}` : `${k.group}/${k.edge}/${k.device}`;
}

/** Path parameters as a key: each a valid Sparkplug id (400 otherwise); `STATE` is no group (Sparkplug 3.0). */
export function parseKey(group: string, edge: string, device?: string): SparkplugKey {
  for (const [what, id] of [
    ['group', group],
    ['edge node', edge],
    ['device', device],
  ] as const) {
    if (id !== undefined && !SPARKPLUG_ID_PATTERN.test(id))
      throw new BadRequestException(
        `${what} id must be 1-100 characters without / + # or control characters`,
      );
  }
  if (group === 'STATE')
    throw new BadRequestException('STATE is not a group id (Sparkplug host state topic)');
  return { group, edge, device: device ?? null };
}

/** The admin-editable Sparkplug B mappings (docs/contract.md, "Sparkplug B") and the cache the message path reads. */
@Injectable()
export class SparkplugMappingsService {
  private rules = new Map<string, SparkplugRule>();
  private loadedAt = 0;

  constructor(
    @InjectRepository(SparkplugMappingEntity) private readonly repo: Repository<SparkplugMappingEntity>,
    private readonly sites: SitesService,
  ) {}

  private async ensureLoaded(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.loadedAt < maxAgeMs) return;
    const rows = await this.repo.find();
    this.rules = new Map(rows.map((r) => [keyLabel(keyOf(r)), ruleOf(r)]));
    this.loadedAt = Date.now();
  }

  /** The mapping of exactly this key (no fallback to the whole edge node). */
  async rule(key: SparkplugKey): Promise<SparkplugRule | undefined> {
    await this.ensureLoaded(CACHE_MS);
    const hit = this.rules.get(keyLabel(key));
    if (hit) return hit;
    await this.ensureLoaded(MISS_RELOAD_MS);
    return this.rules.get(keyLabel(key));
  }

  /** Every mapping under an edge node: its own first, then its devices'. */
  async rulesOfEdge(group: string, edge: string): Promise<SparkplugRule[]> {
    const own = await this.rule({ group, edge, device: null });
    const devices = [...this.rules.values()].filter(
      (r) => r.group === group && r.edge === edge && r.device !== null,
    );
    return own ? [own, ...devices] : devices;
  }

  /** The mappings of the sites `scope` sees (optionally of one of them), by key. */
  async list(scope: Scope, datacenter?: string): Promise<SparkplugMappingInfo[]> {
    const site = datacenter === undefined ? undefined : await this.sites.getIn(scope, datacenter);
    const rows = await this.repo.find({
      where: site ? { siteId: site.id } : {},
      order: { groupId: 'ASC', edgeId: 'ASC', deviceId: 'ASC' },
    });
    const out: SparkplugMappingInfo[] = [];
    for (const r of rows) {
      const s = await this.sites.byIdCached(r.siteId);
      if (s && inScope(scope, s)) out.push(infoOf(r, s.code));
    }
    return out;
  }

  /** One mapping; one of a site outside the scope is not found, like one that does not exist. */
  async get(scope: Scope, key: SparkplugKey): Promise<SparkplugMappingInfo> {
    const row = await this.find(key);
    const site = row ? await this.sites.byIdCached(row.siteId) : undefined;
    if (!row || !site || !inScope(scope, site)) throw notFound(key);
    return infoOf(row, site.code);
  }

  /**
   * Creates or replaces the mapping of `key`. The site must be in the caller's scope (404 otherwise); a key already
   * mapped to a site outside it is taken (409): Sparkplug ids are one namespace on a broker, whoever owns the site.
   */
  async put(
    scope: Scope,
    key: SparkplugKey,
    input: SparkplugMappingInput,
    by: string,
  ): Promise<{ info: SparkplugMappingInfo; id: number; previous: SparkplugMappingInfo | null }> {
    const site = await this.sites.getIn(scope, input.datacenter);
    const existing = await this.find(key);
    let previous: SparkplugMappingInfo | null = null;
    if (existing) {
      const owner = await this.sites.byIdCached(existing.siteId);
      if (!owner || !inScope(scope, owner))
        throw new ConflictException(`${keyLabel(key)} is mapped already, to a site outside your scope`);
      previous = infoOf(existing, owner.code);
    }
    const fields = {
      groupId: key.group,
      edgeId: key.edge,
      deviceId: key.device ?? '',
      siteId: site.id,
      metrics: JSON.stringify(input.metrics),
      updatedAt: Date.now(),
      updatedBy: by.slice(0, 100),
    };
    let id: number;
    if (existing) {
      await this.repo.update({ id: existing.id }, fields);
      id = existing.id;
    } else {
      // A concurrent create of the same key loses on the unique index: 409 (create-app's exception filter).
      id = (await this.repo.save(this.repo.create(fields))).id;
    }
    const saved = this.repo.create({ ...fields, id });
    this.loadedAt = 0;
    return { info: infoOf(saved, site.code), id, previous };
  }

  async remove(scope: Scope, key: SparkplugKey): Promise<{ info: SparkplugMappingInfo; id: number }> {
    const info = await this.get(scope, key);
    const row = (await this.find(key))!;
    await this.repo.delete({ id: row.id });
    this.loadedAt = 0;
    return { info, id: row.id };
  }

  private find(key: SparkplugKey): Promise<SparkplugMappingEntity | null> {
    return this.repo.findOneBy({ groupId: key.group, edgeId: key.edge, deviceId: key.device ?? '' });
  }
}

function notFound(key: SparkplugKey): NotFoundException {
  return new NotFoundException(`Sparkplug mapping ${keyLabel(key)} not found`);
}

function keyOf(r: SparkplugMappingEntity): SparkplugKey {
  return { group: r.groupId, edge: r.edgeId, device: r.deviceId === '' ? null : r.deviceId };
}

function ruleOf(r: SparkplugMappingEntity): SparkplugRule {
  return {
    id: r.id,
    ...keyOf(r),
    siteId: r.siteId,
    metrics: JSON.parse(r.metrics) as Record<string, SparkplugMetricTarget>,
  };
}

function infoOf(r: SparkplugMappingEntity, datacenter: string): SparkplugMappingInfo {
  return {
    ...keyOf(r),
    datacenter,
    metrics: JSON.parse(r.metrics) as Record<string, SparkplugMetricTarget>,
    updatedAt: new Date(r.updatedAt).toISOString(),
    updatedBy: r.updatedBy,
  };
}
