import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { isRole, type CreateUserInput, type UpdateUserInput, type UserInfo } from '@dcfleet/contracts';
import type { Scope } from '../platform/access/scope';
import { OrganizationsService } from '../organizations/organizations.module';
import { UsersService, type Placement, type UserEntity, type UserPatch } from '../users/users.module';

/**
 * The users admin API with organisations (docs/contract.md "Organisations and scope"): a hub admin places anyone
 * anywhere; an organisation's admin sees and manages only its own members and cannot move anyone out of it (or make
 * hub staff). A user outside the caller's organisation answers like a missing one.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
  ) {}

  async list(scope: Scope): Promise<UserInfo[]> {
    const rows = await this.users.list(scope.kind === 'organization' ? scope.organizationId : undefined);
    const codes = await this.organizations.codesById();
    return rows.map((u) => infoOf(u, codes));
  }

  async create(scope: Scope, input: CreateUserInput): Promise<UserInfo> {
    const placement = await this.placementOf(scope, input.role, input.organization, input.regions);
    const user = await this.users.create(input.username, input.password, input.role, {
      organizationId: placement.organizationId ?? null,
      regions: placement.regions ?? null,
    });
    return infoOf(user, await this.organizations.codesById());
  }

  async update(scope: Scope, username: string, patch: UpdateUserInput): Promise<UserInfo> {
    const current = await this.memberOf(scope, username);
    const { organization, regions, ...rest } = patch;
    const placement = await this.placementOf(
      scope,
      patch.role ?? current.role,
      organization,
      regions,
      current,
    );
    const user = await this.users.update(username, { ...rest, ...placement } satisfies UserPatch);
    return infoOf(user, await this.organizations.codesById());
  }

  async endSessions(scope: Scope, username: string): Promise<UserInfo> {
    await this.memberOf(scope, username);
    return infoOf(await this.users.endSessions(username), await this.organizations.codesById());
  }

  /** The user, if the caller may manage it; else not found, as if it did not exist. */
  private async memberOf(scope: Scope, username: string): Promise<UserEntity> {
    const user = await this.users.byName(username);
    if (scope.kind === 'organization' && user.organizationId !== scope.organizationId)
      throw new NotFoundException(`user ${username} not found`);
    return user;
  }

  /**
   * The organisation and regions a create or update asks for, checked against the caller. `undefined` leaves a field
   * as it is (update) or at hub staff / all regions (create).
   */
  private async placementOf(
    scope: Scope,
    role: string,
    organization: string | null | undefined,
    regions: string[] | null | undefined,
    current?: UserEntity,
  ): Promise<Partial<Placement>> {
    const out: Partial<Placement> = {};
    if (scope.kind === 'organization') {
      // An organisation's admin creates members of its own organisation, and cannot move anyone elsewhere.
      if (organization !== undefined) {
        const wanted = organization === null ? null : await this.organizations.idOf(organization);
        if (wanted !== scope.organizationId)
          throw new ForbiddenException("an organisation's admin manages only its own organisation's users");
      }
      if (regions !== undefined && regions !== null)
        throw new ForbiddenException('regions are given to hub regulators by hub admins');
      if (!current) out.organizationId = scope.organizationId;
      return out;
    }
    if (organization !== undefined)
      out.organizationId = organization === null ? null : await this.organizations.idOf(organization);
    if (regions !== undefined) out.regions = regions;
    const organizationId =
      out.organizationId !== undefined ? out.organizationId : (current?.organizationId ?? null);
    const finalRegions = out.regions !== undefined ? out.regions : (current?.regions ?? null);
    if (finalRegions !== null && (role !== 'regulator' || organizationId !== null))
      throw new BadRequestException(
        'regions narrow hub regulators only: set them on a regulator of no organisation',
      );
    return out;
  }
}

function infoOf(u: UserEntity, codes: ReadonlyMap<number, string>): UserInfo {
  return {
    id: u.id,
    username: u.username,
    role: isRole(u.role) ? u.role : 'regulator',
    createdAt: new Date(u.createdAt).toISOString(),
    disabled: u.disabled,
    organization: u.organizationId === null ? null : (codes.get(u.organizationId) ?? null),
    regions: u.regions,
  };
}
