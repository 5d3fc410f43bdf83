import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../users/user.entity';
import { UsersController } from '../users/users.controller';
import { UsersService } from '../users/users.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { IngestTokenEntity } from './ingest-token.entity';
import { IngestTokenService } from './ingest-token.service';
import { SessionService } from './session.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, IngestTokenEntity])],
  controllers: [AuthController, UsersController],
  providers: [UsersService, SessionService, IngestTokenService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [UsersService, SessionService, IngestTokenService],
})
export class AuthModule {}
