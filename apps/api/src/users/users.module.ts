import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './user.entity';
import { UserSessions } from './user-sessions';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { UserSessions } from './user-sessions';
export { UsersService } from './users.service';

/**
 * User accounts: the admin's users API and the store behind logins. Authentication (AuthModule, global) builds on
 * it and owns the login throttle's unlock route (`auth/unlock.controller.ts`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [UsersController],
  providers: [UsersService, UserSessions],
  exports: [UsersService, UserSessions],
})
export class UsersModule {}
