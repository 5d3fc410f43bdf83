import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { Role } from '@dcfleet/contracts';
import { IsNull, Not, type EntityManager, type Repository } from 'typeorm';
import { UserEntity } from './user.entity';
import { UserSessions } from './user-sessions';

const USER_CACHE_MS = 5_000;

/** Where a user stands: an organisation (null: hub staff) and a regulator's regions (null: all). */
export interface Placement {
  organizationId: number | null;
  regions: string[] | null;
}

export const HUB_STAFF: Placement = { organizationId: null, regions: null };

export interface UserPatch extends Partial<Placement> {
  role?: Role;
  disabled?: boolean;
  password?: string;
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether `password` matches an argon2 hash; a malformed hash matches nothing. */
function passwordMatches(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

/** A fixed hash to verify against when the user does not exist, so timing does not reveal usernames. */
let dummyHash: Promise<string> | undefined;

@Injectable()
export class UsersService {
  private readonly logger = new Logger('Users');
  private readonly cache = new Map<number, { user: UserEntity | null; at: number }>();

  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly sessions: UserSessions,
  ) {}

  static hashPassword(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async create(
    username: string,
    password: string,
    role: Role,
    placement: Placement = HUB_STAFF,
  ): Promise<UserEntity> {
    if (await this.repo.exists({ where: { username } }))
      throw new ConflictException(`user ${username} already exists`);
    const row = this.repo.create({
      username,
      passwordHash: await UsersService.hashPassword(password),
      role,
      disabled: false,
      tokenVersion: 0,
      organizationId: placement.organizationId,
      regions: placement.regions,
      createdAt: Date.now(),
    });
    await this.repo.insert(row);
    return row;
  }

  /** Creates the user when missing (first start). Returns true when it was created. */
  async ensure(
    username: string,
    password: string,
    role: Role,
    placement: Placement = HUB_STAFF,
  ): Promise<boolean> {
    if (await this.repo.exists({ where: { username } })) return false;
    await this.create(username, password, role, placement);
    this.logger.log(`created ${role} user "${username}"`);
    return true;
  }

  /**
   * ADMIN_PASSWORD at boot: creates the admin, or gives an existing one this password (re-enabled, role admin) when
   * it no longer verifies — the operator's way back in, and the end of whatever password the account had before.
   */
  async bootstrapAdmin(username: string, password: string): Promise<'created' | 'updated' | 'unchanged'> {
    const user = await this.repo.findOne({ where: { username } });
    if (!user) {
      await this.create(username, password, 'admin');
      this.logger.log(`created admin user "${username}"`);
      return 'created';
    }
    const verifies = await passwordMatches(user.passwordHash, password);
    if (verifies && !user.disabled && user.role === 'admin') return 'unchanged';
    if (!verifies) user.passwordHash = await UsersService.hashPassword(password);
    user.disabled = false;
    user.role = 'admin';
    await this.endSessionsOf(user);
    this.logger.warn(
      `admin user "${username}" now has the password set by ADMIN_PASSWORD; its sessions ended`,
    );
    return 'updated';
  }

  /**
   * Disables a user whose password is still `knownPassword` (a demo account left behind when demo mode ends) and
   * ends its sessions. Returns true when it did.
   */
  async retireIfPassword(username: string, knownPassword: string): Promise<boolean> {
    const user = await this.repo.findOne({ where: { username } });
    if (!user || user.disabled) return false;
    if (!(await passwordMatches(user.passwordHash, knownPassword))) return false;
    user.disabled = true;
    await this.endSessionsOf(user);
    return true;
  }

  async verifyPassword(username: string, password: string): Promise<UserEntity | null> {
    const user = await this.repo.findOne({ where: { username } });
    if (!user || user.disabled) {
      dummyHash ??= UsersService.hashPassword('timing-equaliser');
      await passwordMatches(await dummyHash, password);
      return null;
    }
    const ok = await passwordMatches(user.passwordHash, password);
    return ok ? user : null;
  }

  async findActiveCached(id: number): Promise<UserEntity | null> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < USER_CACHE_MS) return hit.user;
    const user = await this.repo.findOne({ where: { id } });
    const active = user && !user.disabled ? user : null;
    this.cache.set(id, { user: active, at: Date.now() });
    return active;
  }

  /** Users per organisation id (hub staff, who belong to none, are not counted). */
  async countByOrganization(): Promise<Map<number, number>> {
    const rows = await this.repo.find({
      select: { organizationId: true },
      where: { organizationId: Not(IsNull()) },
    });
    const counts = new Map<number, number>();
    for (const { organizationId: org } of rows) if (org !== null) counts.set(org, (counts.get(org) ?? 0) + 1);
    return counts;
  }

  /** Members of an organisation, read in the caller's transaction (the organisation's delete guard). */
  countIn(m: EntityManager, organizationId: number): Promise<number> {
    return m.getRepository(UserEntity).countBy({ organizationId });
  }

  /** Users by id; only the members of `organizationId` when it is given. */
  list(organizationId?: number): Promise<UserEntity[]> {
    return this.repo.find({
      where: organizationId === undefined ? {} : { organizationId },
      order: { id: 'ASC' },
    });
  }

  findByName(username: string): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { username } });
  }

  async byName(username: string): Promise<UserEntity> {
    const user = await this.findByName(username);
    if (!user) throw new NotFoundException(`user ${username} not found`);
    return user;
  }

  /**
   * Changes role, disabled, password, organisation or regions. Any real change ends the user's sessions (their token
   * version moves on): a reset password, a demotion, a disable or a new scope must not leave a session working under
   * what it was before (sockets included: they reconnect under the new scope).
   */
  async update(username: string, patch: UserPatch): Promise<UserEntity> {
    const user = await this.byName(username);
    let changed = false;
    if (patch.organizationId !== undefined && patch.organizationId !== user.organizationId) {
      user.organizationId = patch.organizationId;
      changed = true;
    }
    if (patch.regions !== undefined && !sameList(patch.regions, user.regions)) {
      user.regions = patch.regions;
      changed = true;
    }
    if (patch.role && patch.role !== user.role) {
      user.role = patch.role;
      changed = true;
    }
    if (patch.disabled !== undefined && patch.disabled !== user.disabled) {
      user.disabled = patch.disabled;
      changed = true;
    }
    if (patch.password) {
      user.passwordHash = await UsersService.hashPassword(patch.password);
      changed = true;
    }
    if (changed) await this.endSessionsOf(user);
    return user;
  }

  /** Ends every session of a user ("log out everywhere"). */
  async endSessions(username: string): Promise<UserEntity> {
    const user = await this.byName(username);
    await this.endSessionsOf(user);
    return user;
  }

  /** Saves the user with the next token version, then tells the live side (sockets, other instances). */
  private async endSessionsOf(user: UserEntity): Promise<void> {
    user.tokenVersion = (user.tokenVersion ?? 0) + 1;
    await this.repo.save(user);
    this.forget(user.id);
    this.sessions.ended(user.id);
  }

  /** Drops the cached copy of a user (another instance changed it). */
  forget(id: number): void {
    this.cache.delete(id);
  }
}
