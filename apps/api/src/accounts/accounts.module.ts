import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { AccountsService } from './accounts.service';
import { UsersController } from './users.controller';

/**
 * The users admin HTTP API (`/api/v1/users`): accounts placed in organisations. Apart from `users` (the accounts
 * store that logins and sessions build on) because placing a user needs the organisations, which sit above users.
 */
@Module({
  imports: [UsersModule, OrganizationsModule],
  controllers: [UsersController],
  providers: [AccountsService],
})
export class AccountsModule {}
