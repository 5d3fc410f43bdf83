import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { IngestTokenEntity } from './ingest-token.entity';
import { IngestTokenService } from './ingest-token.service';
import { KioskSessionEntity } from './kiosk-session.entity';
import { KioskSessionService } from './kiosk-session.service';
import { KioskSessionsController } from './kiosk-sessions.controller';
import { LoginThrottle } from './login-limiter';
import { SessionService } from './session.service';
import { UnlockController } from './unlock.controller';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { IngestTokenService } from './ingest-token.service';
export { SessionService } from './session.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([IngestTokenEntity, KioskSessionEntity]),
    UsersModule,
    OrganizationsModule,
  ],
  controllers: [AuthController, UnlockController, KioskSessionsController],
  providers: [
    SessionService,
    KioskSessionService,
    LoginThrottle,
    IngestTokenService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  // UsersModule re-exported: everything that checks sessions (the guard, live sockets) reads users.
  exports: [UsersModule, SessionService, IngestTokenService],
})
export class AuthModule {}
