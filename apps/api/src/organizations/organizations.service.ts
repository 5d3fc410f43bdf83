import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  CreateOrganizationInput,
  OrganizationInfo,
  ScopeInfo,
  UpdateOrganizationInput,
} from '@dcfleet/contracts';
import type { Scope } from '../platform/access/scope';
import type { EntityManager, Repository } from 'typeorm';
import { SitesService, type OwnerChange } from '../sites/sites.module';
import { UsersService } from '../users/users.module';
import { DEFAULT_ORGANIZATION_ID, OrganizationEntity } from './organization.entity';

function infoOf(o: OrganizationEntity, sites: string[], users: number): OrganizationInfo {
  return {
    code: o.code,
    name: o.name,
    nameZh: o.nameZh ?? null,
    sites,
    users,
    createdAt: new Date(o.createdAt).toISOString(),
  };
}

/** The hub's operator companies: which sites each owns and how many users belong to it. */
@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(OrganizationEntity) private readonly repo: Repository<OrganizationEntity>,
    private readonly sites: SitesService,
    private readonly users: UsersService,
  ) {}

  async list(): Promise<OrganizationInfo[]> {
    const [orgs, sites, users] = await Promise.all([
      this.repo.find({ order: { code: 'ASC' } }),
      this.sites.codesByOrganization(),
      this.users.countByOrganization(),
    ]);
    return orgs.map((o) => infoOf(o, sites.get(o.id) ?? [], users.get(o.id) ?? 0));
  }

  async info(code: string): Promise<OrganizationInfo> {
    const org = await this.byCode(code);
    const users = await this.users.countByOrganization();
    return infoOf(org, (await this.sites.codesByOrganization()).get(org.id) ?? [], users.get(org.id) ?? 0);
  }

  /** A scope as the figures computed over it say it (ratings' fleet row, exports). */
  async describe(scope: Scope): Promise<ScopeInfo> {
    if (scope.kind === 'hub') return { kind: 'hub' };
    if (scope.kind === 'regions') return { kind: 'regions', regions: [...scope.regions] };
    const org = await this.byId(scope.organizationId);
    return {
      kind: 'organization',
      code: org?.code ?? '?',
      name: org?.name ?? '?',
      // Only when there is one: the scope of an organisation without reads as before.
      ...(org?.nameZh ? { nameZh: org.nameZh } : {}),
    };
  }

  /** Organisation codes by id (to name a user's or a site's owner). */
  async codesById(): Promise<Map<number, string>> {
    const rows = await this.repo.find({ select: { id: true, code: true } });
    return new Map(rows.map((o) => [o.id, o.code]));
  }

  async byId(id: number): Promise<OrganizationEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** The id of an organisation a request body names: an unknown code is the request's fault (400), not a 404. */
  async idOf(code: string): Promise<number> {
    const org = await this.repo.findOneBy({ code });
    if (!org) throw new BadRequestException(`organization: no organisation ${code}`);
    return org.id;
  }

  async byCode(code: string): Promise<OrganizationEntity> {
    const org = await this.repo.findOneBy({ code });
    if (!org) throw new NotFoundException(`organisation ${code} not found`);
    return org;
  }

  /**
   * Creates the organisation when missing (the demo's companies), or gives an existing one its Chinese name when it
   * has none (an instance upgraded from before Chinese names). Returns true when it created it.
   */
  async ensure(code: string, name: string, nameZh: string | null = null): Promise<boolean> {
    const found = await this.repo.findOneBy({ code });
    if (found) {
      if (nameZh !== null && found.nameZh === null) await this.repo.update({ id: found.id }, { nameZh });
      return false;
    }
    await this.create({ code, name, nameZh });
    return true;
  }

  async create(input: CreateOrganizationInput): Promise<OrganizationInfo> {
    if (await this.repo.existsBy({ code: input.code }))
      throw new ConflictException(`organisation ${input.code} already exists`);
    const row = this.repo.create({ ...input, nameZh: input.nameZh ?? null, createdAt: Date.now() });
    return infoOf(await this.repo.save(row), [], 0);
  }

  /** Renames an organisation (English and/or Chinese name; null clears the Chinese one). */
  async update(code: string, patch: UpdateOrganizationInput): Promise<OrganizationInfo> {
    const org = await this.byCode(code);
    await this.repo.update(
      { id: org.id },
      {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.nameZh === undefined ? {} : { nameZh: patch.nameZh }),
      },
    );
    return this.info(code);
  }

  /**
   * Only an empty organisation goes: sites and users would otherwise point at nothing (there is no foreign key, see
   * the Organizations migration). The default organisation stays: sites created without an owner land in it.
   */
  async remove(code: string): Promise<void> {
    const org = await this.byCode(code);
    if (org.id === DEFAULT_ORGANIZATION_ID)
      throw new ConflictException(
        'the default organisation owns sites created without one and cannot be deleted',
      );
    await this.repo.manager.transaction(async (m) => {
      // Holds the row against a move into it meanwhile (moveSite takes the same lock).
      await lockRow(m, org.id);
      const owned = await this.sites.countOwnedBy(m, org.id);
      const members = await this.users.countIn(m, org.id);
      if (owned > 0 || members > 0)
        throw new ConflictException(
          `organisation ${code} still has ${owned} site(s) and ${members} user(s): move or remove them first`,
        );
      await m.getRepository(OrganizationEntity).delete({ id: org.id });
    });
  }

  /** Gives `site` to the organisation `code`; the previous owner's users lose sight of it at once. */
  async moveSite(code: string, site: string): Promise<OwnerChange> {
    const org = await this.byCode(code);
    const change = await this.repo.manager.transaction(async (m) => {
      // An organisation deleted meanwhile must not end up owning the site.
      if (!(await lockRow(m, org.id))) throw new NotFoundException(`organisation ${code} not found`);
      return this.sites.setOwner(m, site, org.id);
    });
    this.sites.ownerCommitted(change);
    return change;
  }
}

/** Locks an organisation's row for the transaction (PostgreSQL; SQLite transactions already take turns). */
async function lockRow(m: EntityManager, id: number): Promise<boolean> {
  const repo = m.getRepository(OrganizationEntity);
  const lock = m.connection.options.type === 'postgres' ? { mode: 'pessimistic_write' as const } : undefined;
  return (await repo.findOne({ where: { id }, ...(lock ? { lock } : {}) })) !== null;
}
