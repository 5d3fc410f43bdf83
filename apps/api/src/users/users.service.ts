import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { isRole, type Role, type UserInfo } from '@dcfleet/contracts';
import type { Repository } from 'typeorm';
import { UserEntity } from './user.entity';

const USER_CACHE_MS = 5_000;

/** A fixed hash to verify against when the user does not exist, so timing does not reveal usernames. */
let dummyHash: Promise<string> | undefined;

@Injectable()
export class UsersService {
  private readonly logger = new Logger('Users');
  private readonly cache = new Map<number, { user: UserEntity | null; at: number }>();

  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

  static hashPassword(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async create(username: string, password: string, role: Role): Promise<UserInfo> {
    if (await this.repo.exists({ where: { username } }))
      throw new ConflictException(`user ${username} already exists`);
    const row = this.repo.create({
      username,
      passwordHash: await UsersService.hashPassword(password),
      role,
      disabled: false,
      createdAt: Date.now(),
    });
    await this.repo.insert(row);
    return UsersService.toInfo(row);
  }

  /** Creates the user when missing (first start). Returns true when it was created. */
  async ensure(username: string, password: string, role: Role): Promise<boolean> {
    if (await this.repo.exists({ where: { username } })) return false;
    await this.create(username, password, role);
    this.logger.log(`created ${role} user "${username}"`);
    return true;
  }

  async verifyPassword(username: string, password: string): Promise<UserEntity | null> {
    const user = await this.repo.findOne({ where: { username } });
    if (!user || user.disabled) {
      dummyHash ??= UsersService.hashPassword('timing-equaliser');
      await argon2.verify(await dummyHash, password).catch(() => false);
      return null;
    }
    const ok = await argon2.verify(user.passwordHash, password).catch(() => false);
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

  async list(): Promise<UserInfo[]> {
    const rows = await this.repo.find({ order: { id: 'ASC' } });
    return rows.map(UsersService.toInfo);
  }

  async update(
    username: string,
    patch: { role?: Role; disabled?: boolean; password?: string },
  ): Promise<UserInfo> {
    const user = await this.repo.findOne({ where: { username } });
    if (!user) throw new NotFoundException(`user ${username} not found`);
    if (patch.role) user.role = patch.role;
    if (patch.disabled !== undefined) user.disabled = patch.disabled;
    if (patch.password) user.passwordHash = await UsersService.hashPassword(patch.password);
    await this.repo.save(user);
    this.cache.delete(user.id);
    return UsersService.toInfo(user);
  }

  static toInfo(u: UserEntity): UserInfo {
    return {
      id: u.id,
      username: u.username,
      role: isRole(u.role) ? u.role : 'regulator',
      createdAt: new Date(u.createdAt).toISOString(),
      disabled: u.disabled,
    };
  }
}
