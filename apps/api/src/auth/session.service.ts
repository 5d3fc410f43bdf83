import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isRole, type KioskSessionRef, type LoginResponse, type SessionUser } from '@dcfleet/contracts';
import { AppConfig } from '../platform/config/app-config';
import { UsersService } from '../users/users.module';
import type { AuthenticatedUser } from '../platform/access/access.types';
import { scopeOf } from '../platform/access/scope';
import { KioskSessionService } from './kiosk-session.service';

interface SessionClaims {
  sub: number;
  username: string;
  role: string;
  /** The user's token version at issue; sessions issued before the last bump are ended. Absent before v2: 0. */
  tv?: number;
  /** Kiosk (wall display) session id: read-only, ended by revoking its row rather than by the token version. */
  ks?: number;
}

/**
 * JWT sessions. Each verification also checks the user still exists, is enabled and has not had its sessions
 * ended since the token was issued (token version; cached briefly, dropped at once on a change).
 */
@Injectable()
export class SessionService {
  private readonly jwt: JwtService;
  private readonly ttlS: number;

  constructor(
    config: AppConfig,
    private readonly users: UsersService,
    private readonly kiosks: KioskSessionService,
  ) {
    this.ttlS = config.env.JWT_TTL_S;
    this.jwt = new JwtService({
      secret: config.jwtSecret,
      signOptions: { algorithm: 'HS256', issuer: 'dcfleet' },
    });
  }

  issue(user: { id: number } & SessionUser, tokenVersion: number): LoginResponse {
    const claims: SessionClaims = {
      sub: user.id,
      username: user.username,
      role: user.role,
      tv: tokenVersion,
    };
    const accessToken = this.jwt.sign(claims, { expiresIn: this.ttlS });
    return {
      accessToken,
      expiresAt: new Date(Date.now() + this.ttlS * 1000).toISOString(),
      user: {
        username: user.username,
        role: user.role,
        organization: user.organization,
        regions: user.regions,
      },
    };
  }

  /**
   * A kiosk token: signed like a session, but marked with its kiosk row and long-lived. It does not carry the token
   * version: the creator's "log out everywhere" must not blank the wall displays; revoking the row ends one.
   */
  issueKiosk(
    user: { id: number; username: string; role: string },
    kiosk: KioskSessionRef,
    expiresAt: number,
  ): string {
    const claims: SessionClaims & { exp: number } = {
      sub: user.id,
      username: user.username,
      role: user.role,
      ks: kiosk.id,
      exp: Math.floor(expiresAt / 1000), // the row's expiry, to the second
    };
    return this.jwt.sign(claims);
  }

  async verify(token: string): Promise<AuthenticatedUser | null> {
    let claims: SessionClaims;
    try {
      claims = this.jwt.verify<SessionClaims>(token, { algorithms: ['HS256'], issuer: 'dcfleet' });
    } catch {
      return null;
    }
    const user = await this.users.findActiveCached(claims.sub);
    if (!user || user.username !== claims.username || !isRole(user.role)) return null;
    let kiosk: KioskSessionRef | undefined;
    if (typeof claims.ks === 'number') {
      const row = await this.kiosks.active(claims.ks, user.id);
      if (!row) return null;
      kiosk = { id: row.id, name: row.name };
    } else if ((claims.tv ?? 0) !== (user.tokenVersion ?? 0)) return null;
    // Role and scope come from the database, not the token, so a demotion or a move applies at once.
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      scope: scopeOf({ role: user.role, organizationId: user.organizationId, regions: user.regions }),
      ...(kiosk && { kiosk }),
    };
  }
}
