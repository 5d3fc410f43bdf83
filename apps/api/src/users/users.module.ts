import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './user.entity';
import { UserSessions } from './user-sessions';
import { UsersService } from './users.service';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { UserSessions } from './user-sessions';
export { HUB_STAFF, UsersService, type Placement, type UserPatch } from './users.service';
export type { UserEntity } from './user.entity';

/**
 * User accounts: the store behind logins (the admin's users API is `accounts/`). Authentication (AuthModule, global) builds on
 * it and owns the login throttle's unlock route (`auth/unlock.controller.ts`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersService, UserSessions],
  exports: [UsersService, UserSessions],
})
export class UsersModule {}
