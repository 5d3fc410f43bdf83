import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CreateOrganizationInput, OrganizationInfo } from '@dcfleet/contracts';
import type { Repository } from 'typeorm';
import { SitesService } from '../sites/sites.module';
import { UsersService } from '../users/users.module';
import { DEFAULT_ORGANIZATION_ID, OrganizationEntity } from './organization.entity';

function infoOf(o: OrganizationEntity, sites: string[], users: number): OrganizationInfo {
  return { code: o.code, name: o.name, sites, users, createdAt: new Date(o.createdAt).toISOString() };
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

  async byCode(code: string): Promise<OrganizationEntity> {
    const org = await this.repo.findOneBy({ code });
    if (!org) throw new NotFoundException(`organisation ${code} not found`);
    return org;
  }

  async create(input: CreateOrganizationInput): Promise<OrganizationInfo> {
    if (await this.repo.existsBy({ code: input.code }))
      throw new ConflictException(`organisation ${input.code} already exists`);
    return infoOf(await this.repo.save(this.repo.create({ ...input, createdAt: Date.now() })), [], 0);
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
    const owned = (await this.sites.codesByOrganization()).get(org.id)?.length ?? 0;
    const members = (await this.users.countByOrganization()).get(org.id) ?? 0;
    if (owned > 0 || members > 0)
      throw new ConflictException(
        `organisation ${code} still has ${owned} site(s) and ${members} user(s): move or remove them first`,
      );
    await this.repo.delete({ id: org.id });
  }
}
