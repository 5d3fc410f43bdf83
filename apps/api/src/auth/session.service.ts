import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isRole, type LoginResponse } from '@dcfleet/contracts';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import type { AuthenticatedUser } from './auth.types';

interface SessionClaims {
  sub: number;
  username: string;
  role: string;
}

/** JWT sessions. Each verification also checks the user still exists and is enabled (cached briefly). */
@Injectable()
export class SessionService {
  private readonly jwt: JwtService;
  private readonly ttlS: number;

  constructor(
    config: AppConfig,
    private readonly users: UsersService,
  ) {
    this.ttlS = config.env.JWT_TTL_S;
    this.jwt = new JwtService({
      secret: config.jwtSecret,
      signOptions: { algorithm: 'HS256', issuer: 'dcfleet' },
    });
  }

  issue(user: AuthenticatedUser): LoginResponse {
    const claims: SessionClaims = { sub: user.id, username: user.username, role: user.role };
    const accessToken = this.jwt.sign(claims, { expiresIn: this.ttlS });
    return {
      accessToken,
      expiresAt: new Date(Date.now() + this.ttlS * 1000).toISOString(),
      user: { username: user.username, role: user.role },
    };
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
    // The role comes from the database, not the token, so a demotion applies at once.
    return { id: user.id, username: user.username, role: user.role };
  }
}
