import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { SYSTEM_ACTOR, AuditService } from '../audit/audit.service';
import { IngestTokenService } from '../auth/ingest-token.service';
import { AppConfig } from '../config/app-config';
import { SitesService } from '../datacenters/sites.service';
import { UsersService } from '../users/users.service';
import { DEMO_SITES, demoEntries, type DemoSiteState } from './demo-fleet';

/** Demo logins (also in the README). Only created when DEMO=1. */
export const DEMO_USERS = [
  { username: 'admin', password: 'admin-demo-pass', role: 'admin' },
  { username: 'operator', password: 'operator-demo-pass', role: 'operator' },
  { username: 'regulator', password: 'regulator-demo-pass', role: 'regulator' },
] as const;

const LIVE_EVERY_MS = 10_000;
const HISTORY_HOURS = 48;

/**
 * First-start bootstrap (admin user) and, with DEMO=1, the demo fleet: sites, fresh ingest tokens and a
 * simulator that posts through the real HTTP ingest API, exactly like a gateway would.
 */
@Injectable()
export class DemoService implements OnApplicationShutdown {
  private readonly logger = new Logger('Demo');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly sites: SitesService,
    private readonly tokens: IngestTokenService,
    private readonly audit: AuditService,
  ) {}

  async bootstrapUsers(): Promise<void> {
    const env = this.config.env;
    if (env.DEMO) {
      for (const u of DEMO_USERS) {
        const password = u.username === env.ADMIN_USERNAME && env.ADMIN_PASSWORD ? env.ADMIN_PASSWORD : u.password;
        if (await this.users.ensure(u.username, password, u.role)) {
          await this.audit.record(SYSTEM_ACTOR, 'user.create', u.username, { role: u.role, demo: true });
        }
      }
    }
    if (env.ADMIN_PASSWORD && (await this.users.ensure(env.ADMIN_USERNAME, env.ADMIN_PASSWORD, 'admin'))) {
      await this.audit.record(SYSTEM_ACTOR, 'user.create', env.ADMIN_USERNAME, { role: 'admin', bootstrap: true });
    }
  }

  /** Starts the demo fleet against this instance's own ingest API. */
  async startFleet(baseUrl: string): Promise<void> {
    const secrets = new Map<string, string>();
    for (const input of DEMO_SITES) {
      const existing = (await this.sites.all()).find((s) => s.code === input.code);
      const site = existing ?? (await this.sites.create(input));
      if (!existing) await this.audit.record(SYSTEM_ACTOR, 'datacenter.create', site.code, { demo: true });
      for (const t of await this.tokens.list(site.id)) {
        if (t.name === 'demo-simulator' && !t.revokedAt) await this.tokens.revoke(t.id);
      }
      secrets.set(site.code, (await this.tokens.create(site, 'demo-simulator', 'system')).token);
    }
    const states = new Map<string, DemoSiteState>(DEMO_SITES.map((s) => [s.code, { code: s.code, facilityKwh: 1e6, itKwh: 8e5, lastTs: 0 }]));
    const post = async (code: string, entries: unknown[]): Promise<void> => {
      const res = await fetch(`${baseUrl}/api/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.get(code)}` },
        body: JSON.stringify({ samples: entries }),
      });
      if (!res.ok) this.logger.warn(`demo post for ${code} answered ${res.status}`);
    };
    // Recent history (hourly) so charts are not empty, then live data.
    const now = Date.now();
    const start = now - HISTORY_HOURS * 3_600_000;
    for (const site of DEMO_SITES) {
      const state = states.get(site.code)!;
      const entries = [];
      for (let t = start - (start % 3_600_000); t < now - 60_000; t += 3_600_000) entries.push(...demoEntries(site, state, t));
      await post(site.code, entries).catch((e: Error) => this.logger.warn(e.message));
    }
    const tick = async (): Promise<void> => {
      const ts = Date.now();
      await Promise.all(DEMO_SITES.map((site) => post(site.code, demoEntries(site, states.get(site.code)!, ts)).catch(() => undefined)));
    };
    await tick();
    this.timer = setInterval(() => void tick(), LIVE_EVERY_MS);
    this.timer.unref();
    this.logger.log(`demo fleet of ${DEMO_SITES.length} sites posting every ${LIVE_EVERY_MS / 1000} s`);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
