import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../users/user.entity';
import { UsersController } from '../users/users.controller';
import { UserSessions } from '../users/user-sessions';
import { UsersService } from '../users/users.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { IngestTokenEntity } from './ingest-token.entity';
import { IngestTokenService } from './ingest-token.service';
import { LoginThrottle } from './login-limiter';
import { SessionService } from './session.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, IngestTokenEntity])],
  controllers: [AuthController, UsersController],
  providers: [
    UsersService,
    UserSessions,
    SessionService,
    LoginThrottle,
    IngestTokenService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UsersService, UserSessions, SessionService, IngestTokenService],
})
export class AuthModule {}
