import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Role } from '@dcfleet/contracts';
import { DEMO_ORGANIZATIONS, FleetRunner, type HistoryProgress } from '@dcfleet/demo-fleet';
import { AuditService } from '../audit/audit.module';
import { SYSTEM_ACTOR } from '../platform/access/request-actor';
import { AppConfig } from '../platform/config/app-config';
import { IngestTokenService } from '../auth/auth.module';
import { MqttListener } from '../mqtt/mqtt.module';
import { OrganizationsService } from '../organizations/organizations.module';
import { UsersService } from '../users/users.module';

interface DemoUser {
  username: string;
  password: string;
  role: Role;
  /** Organisation code; absent: hub staff. */
  organization?: string;
  /** A hub regulator's regions; absent: all. */
  regions?: string[];
  /** What the login shows (main.ts prints it; the README's table says the same). */
  sees: string;
}

/** Demo logins, one per kind of user (also in the README). Only created when DEMO=1. */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'admin', password: 'admin-demo-pass', role: 'admin', sees: 'hub admin: everything' },
  {
    username: 'operator',
    password: 'operator-demo-pass',
    role: 'operator',
    sees: 'hub operations: all sites',
  },
  {
    username: 'regulator',
    password: 'regulator-demo-pass',
    role: 'regulator',
    sees: 'regulator: all regions',
  },
  {
    username: 'guian-regulator',
    password: 'guian-regulator-demo-pass',
    role: 'regulator',
    regions: ["Gui'an New Area"],
    sees: "regulator of Gui'an New Area",
  },
  {
    username: 'yelang-admin',
    password: 'yelang-admin-demo-pass',
    role: 'admin',
    organization: 'YELANG',
    sees: 'admin of Yelang Cloud Works (its users, tokens, sites, rules)',
  },
  {
    username: 'yelang-operator',
    password: 'yelang-operator-demo-pass',
    role: 'operator',
    organization: 'YELANG',
    sees: "operator of Yelang Cloud Works' 3 sites",
  },
];

/** Name of the in-process fleet's ingest tokens (the CLI simulator uses its own, so both can run). */
export const DEMO_TOKEN_NAME = 'demo-simulator';

/**
 * First-start bootstrap (admin user) and, with DEMO=1, the demo fleet: the FleetRunner of @dcfleet/demo-fleet
 * runs in this process but talks to this instance over HTTP like any gateway — admin login, sites, fresh
 * per-site ingest tokens, a year and a bit of hourly history through POST /api/v1/ingest, then live data
 * every 10 s and a random fault every few minutes.
 */
@Injectable()
export class DemoService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Demo');
  private runner: FleetRunner | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly tokens: IngestTokenService,
    private readonly organizations: OrganizationsService,
    private readonly mqtt: MqttListener,
  ) {}

  /**
   * Users at boot. ADMIN_PASSWORD creates the admin or, when it exists, becomes its password. With DEMO=1 the demo
   * logins are created; with DEMO=0, demo logins still holding their public password are disabled and the demo
   * fleet's ingest tokens revoked (a demo's data directory reused in production must not keep public logins).
   */
  async bootstrapUsers(): Promise<void> {
    const env = this.config.env;
    if (env.ADMIN_PASSWORD) {
      const done = await this.users.bootstrapAdmin(env.ADMIN_USERNAME, env.ADMIN_PASSWORD);
      if (done !== 'unchanged')
        await this.audit.record(
          SYSTEM_ACTOR,
          done === 'created' ? 'user.create' : 'user.update',
          env.ADMIN_USERNAME,
          {
            role: 'admin',
            bootstrap: true,
            ...(done === 'updated' ? { fields: ['password(ADMIN_PASSWORD)'] } : {}),
          },
        );
    }
    if (env.DEMO) {
      // The demo's companies first: their logins belong to them (the fleet then gives them their sites).
      for (const o of DEMO_ORGANIZATIONS)
        if (await this.organizations.ensure(o.code, o.name, o.nameZh))
          await this.audit.record(SYSTEM_ACTOR, 'organization.create', o.code, { name: o.name, demo: true });
      for (const u of DEMO_USERS) {
        const organizationId = u.organization ? (await this.organizations.byCode(u.organization)).id : null;
        const placement = { organizationId, regions: u.regions ?? null };
        if (await this.users.ensure(u.username, this.passwordOf(u), u.role, placement)) {
          await this.audit.record(SYSTEM_ACTOR, 'user.create', u.username, {
            role: u.role,
            organization: u.organization ?? null,
            regions: u.regions ?? null,
            demo: true,
          });
        }
      }
      return;
    }
    for (const u of DEMO_USERS) {
      if (await this.users.retireIfPassword(u.username, u.password)) {
        this.logger.warn(`DEMO=0: disabled the demo login "${u.username}" (its password is public)`);
        await this.audit.record(SYSTEM_ACTOR, 'user.update', u.username, {
          disabled: true,
          demoRetired: true,
        });
      }
    }
    const revoked = await this.tokens.revokeNamed(DEMO_TOKEN_NAME);
    if (revoked) {
      this.logger.warn(`DEMO=0: revoked ${revoked} ingest token(s) of the demo fleet ("${DEMO_TOKEN_NAME}")`);
      await this.audit.record(SYSTEM_ACTOR, 'token.revoke', DEMO_TOKEN_NAME, {
        count: revoked,
        demoRetired: true,
      });
    }
  }

  private passwordOf(u: DemoUser): string {
    const env = this.config.env;
    return u.username === env.ADMIN_USERNAME && env.ADMIN_PASSWORD ? env.ADMIN_PASSWORD : u.password;
  }

  /**
   * Starts the demo fleet against this instance's own API. Resolves once the sites and tokens exist and the
   * first live readings are in (a second or two); history and faults continue in the background. A failure
   * is logged, never fatal: the instance itself is fine without its demo.
   */
  async startFleet(baseUrl: string): Promise<void> {
    const admin = DEMO_USERS[0]!;
    const mqttPort = this.mqtt.port;
    const runner = new FleetRunner({
      baseUrl,
      // Some sites publish over the built-in listener when it is on, so the demo exercises every ingest path.
      mqttUrl: mqttPort === undefined ? undefined : `mqtt://${new URL(baseUrl).hostname}:${mqttPort}`,
      admin: { username: admin.username, password: this.passwordOf(admin) },
      tokenName: DEMO_TOKEN_NAME,
      scheduledFaults: true,
      startedAt: Date.now() - process.uptime() * 1000,
      log: (line) => this.logger.log(line),
      onProgress: (p) => {
        if (!p.done) this.logger.log(progressLine(p));
      },
    });
    try {
      await runner.start();
      this.runner = runner;
    } catch (err) {
      await runner.stop();
      this.logger.warn(`demo fleet not started: ${(err as Error).message}`);
    }
  }

  /** The running demo fleet (for tests and on-demand faults), if any. */
  get fleet(): FleetRunner | undefined {
    return this.runner;
  }

  /** Before the HTTP server closes, so requests in flight finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }
}

function progressLine(p: HistoryProgress): string {
  const m = (n: number) => `${(n / 1e6).toFixed(2)} M`;
  const eta = p.etaMs === null ? '' : `, about ${Math.ceil(p.etaMs / 1000)} s to go`;
  return `demo history ${p.percent.toFixed(0)} %: ${m(p.samples)} of ${m(p.samplesTotal)} samples, ${p.samplesPerSecond.toLocaleString('en-US')} samples/s${eta}`;
}
