import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { LocalizedName, NameKind, SetLocalizedNameInput } from '@dcfleet/contracts';
import type { Repository } from 'typeorm';
import { LocalizedNameEntity } from './localized-name.entity';
import type { SiteEntity } from './site.entity';

/** Chinese names of region, hub and operator values, by kind and English value. */
export interface NameBook {
  zh(kind: NameKind, name: string | null): string | null;
}

export const NO_NAMES: NameBook = { zh: () => null };

const key = (kind: string, name: string) => `${kind}\u0000${name}`;

/**
 * The hub's list of Chinese names for the values sites share (docs/contract.md, "Chinese names"). Cached like the
 * sites (10 s), so another instance's edit shows within that.
 */
@Injectable()
export class LocalizedNamesService {
  private book = new Map<string, string>();
  private loadedAt = 0;

  constructor(
    @InjectRepository(LocalizedNameEntity) private readonly repo: Repository<LocalizedNameEntity>,
  ) {}

  async names(maxAgeMs = 10_000): Promise<NameBook> {
    if (Date.now() - this.loadedAt >= maxAgeMs) {
      const rows = await this.repo.find();
      this.book = new Map(rows.map((r) => [key(r.kind, r.name), r.nameZh]));
      this.loadedAt = Date.now();
    }
    const book = this.book;
    return { zh: (kind, name) => (name === null ? null : (book.get(key(kind, name)) ?? null)) };
  }

  /** Every entry, with how many of `sites` carry its value; sorted by kind, then English value. */
  async list(sites: readonly SiteEntity[]): Promise<LocalizedName[]> {
    const rows = await this.repo.find({ order: { kind: 'ASC', name: 'ASC' } });
    return rows.map((r) => ({
      kind: r.kind as NameKind,
      name: r.name,
      nameZh: r.nameZh,
      sites: sites.filter((s) => s[r.kind as NameKind] === r.name).length,
      updatedAt: new Date(r.updatedAt).toISOString(),
      updatedBy: r.updatedBy,
    }));
  }

  /** Sets (or, with null, removes) a value's Chinese name. Returns the previous one. */
  async set(input: SetLocalizedNameInput, by: string): Promise<string | null> {
    const previous = await this.repo.findOneBy({ kind: input.kind, name: input.name });
    if (input.nameZh === null) {
      if (previous) await this.repo.delete({ kind: input.kind, name: input.name });
    } else {
      await this.repo.upsert(
        { kind: input.kind, name: input.name, nameZh: input.nameZh, updatedAt: Date.now(), updatedBy: by },
        ['kind', 'name'],
      );
    }
    this.loadedAt = 0;
    return previous?.nameZh ?? null;
  }
}
