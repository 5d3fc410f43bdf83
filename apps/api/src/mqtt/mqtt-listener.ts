import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { IngestTokenService } from '../auth/auth.module';
import type { IngestPrincipal } from '../platform/access/access.types';
import { AppConfig } from '../platform/config/app-config';
import { AuthFailures } from './auth-failures';
import { MqttIngest, type MqttStoreResult } from './mqtt-ingest.service';
import { MqttMetrics } from './mqtt.metrics';
import { MqttSession, type SessionHost } from './mqtt-session';
import { Reason } from './mqtt-reasons';
import { listenerFormat, SPARKPLUG_PREFIX } from './mqtt-topics';

/** How often every session's token is checked again (a revocation on another instance ends it within this). */
const RECHECK_MS = 5_000;

/**
 * The built-in MQTT listener (MQTT_PORT): gateways connect with their site's ingest token as password and publish
 * batches; a QoS 1 PUBACK is sent only once the batch is committed (docs/contract.md "MQTT").
 */
@Injectable()
export class MqttListener implements SessionHost, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MqttListener');
  private server: Server | undefined;
  private readonly sessions = new Set<MqttSession>();
  /** Open sessions per ingest token (MQTT_MAX_CONNECTIONS_PER_TOKEN). */
  private readonly perToken = new Map<string, number>();
  /** The connected session of each `<site id>/<client id>`: a second CONNECT with the same id takes over. */
  private readonly byClientId = new Map<string, MqttSession>();
  private recheck: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly authFailures: AuthFailures;

  readonly maxInflight: number;
  readonly maxPayloadBytes: number;
  readonly retryMs: number;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: MqttIngest,
    private readonly tokens: IngestTokenService,
    private readonly metrics: MqttMetrics,
  ) {
    this.maxInflight = config.env.MQTT_MAX_INFLIGHT;
    this.maxPayloadBytes = config.env.INGEST_MAX_BODY_BYTES;
    this.retryMs = config.env.MQTT_RETRY_MS;
    this.authFailures = new AuthFailures(config.env.MQTT_MAX_AUTH_FAILURES);
  }

  /** The bound port (MQTT_PORT=0 picks a free one), or undefined when the listener is off. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const env = this.config.env;
    if (env.MQTT_PORT === undefined) return;
    const onSocket = (socket: Socket) => this.accept(socket);
    let tls = false;
    if (env.MQTT_TLS_CERT && env.MQTT_TLS_KEY) {
      let cert: Buffer;
      let key: Buffer;
      try {
        cert = readFileSync(env.MQTT_TLS_CERT);
        key = readFileSync(env.MQTT_TLS_KEY);
      } catch (err) {
        throw new Error(`MQTT_TLS_CERT / MQTT_TLS_KEY cannot be read: ${(err as Error).message}`);
      }
      this.server = createTlsServer({ cert, key }, onSocket);
      tls = true;
    } else {
      this.server = createServer(onSocket);
    }
    const host = env.MQTT_HOST ?? this.config.listenHost;
    const server = this.server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(env.MQTT_PORT, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.server = undefined;
      // A demo must come up whatever else runs here: its sites then post over HTTP instead.
      if (env.DEMO && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        this.logger.warn(`MQTT port ${env.MQTT_PORT} is taken: demo without the MQTT listener`);
        return;
      }
      throw new Error(`MQTT listener cannot listen on ${host}:${env.MQTT_PORT}: ${(err as Error).message}`);
    }
    server.on('error', (err) => this.logger.error(`MQTT listener: ${err.message}`));
    this.tokens.onRevoked((tokenId) => void this.recheckTokens(tokenId));
    this.recheck = setInterval(() => void this.recheckTokens(null), RECHECK_MS);
    this.recheck.unref();
    this.logger.log(`MQTT${tls ? ' over TLS' : ''} listening on ${host}, port ${this.port}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.recheck);
    // Messages still being stored are not acknowledged now: their gateways resend them after reconnecting.
    for (const s of [...this.sessions]) s.close(Reason.serverShuttingDown, 'server shutting down');
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (this.stopping || this.sessions.size >= this.config.env.MQTT_MAX_CONNECTIONS) {
      this.metrics.connectRefused.inc({ reason: 'server_full' });
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const session = new MqttSession(socket, this);
    this.sessions.add(session);
    this.metrics.connections.inc({ transport: 'listener' });
  }

  async authenticate(
    secret: string,
    address: string,
  ): Promise<
    { ok: true; principal: IngestPrincipal } | { ok: false; v4: number; v5: number; reason: string }
  > {
    const wait = this.authFailures.blockedFor(address);
    if (wait > 0) {
      this.metrics.connectRefused.inc({ reason: 'auth_rate' });
      return {
        ok: false,
        v4: 3,
        v5: Reason.connectionRateExceeded,
        reason: `too many failed connections from this address (MQTT_MAX_AUTH_FAILURES): retry in ${wait} s`,
      };
    }
    const check = await this.tokens.check(secret);
    if (!check.ok) {
      this.authFailures.fail(address);
      this.metrics.connectRefused.inc({ reason: check.status === 403 ? 'revoked' : 'bad_token' });
      return check.status === 403
        ? { ok: false, v4: 5, v5: Reason.notAuthorized, reason: check.reason }
        : { ok: false, v4: 4, v5: Reason.badCredentials, reason: check.reason };
    }
    const held = this.perToken.get(check.tokenId) ?? 0;
    if (held >= this.config.env.MQTT_MAX_CONNECTIONS_PER_TOKEN) {
      this.metrics.connectRefused.inc({ reason: 'token_quota' });
      return {
        ok: false,
        v4: 3,
        v5: Reason.quotaExceeded,
        reason: `this token already holds ${held} connections (MQTT_MAX_CONNECTIONS_PER_TOKEN)`,
      };
    }
    const principal = { tokenId: check.tokenId, siteId: check.siteId, siteCode: check.siteCode };
    return { ok: true, principal };
  }

  opened(session: MqttSession): void {
    if (!session.principal || !this.sessions.has(session)) return;
    this.perToken.set(session.principal.tokenId, (this.perToken.get(session.principal.tokenId) ?? 0) + 1);
    const key = `${session.principal.siteId}/${session.clientId}`;
    const previous = this.byClientId.get(key);
    this.byClientId.set(key, session);
    if (previous && previous !== session)
      previous.close(Reason.sessionTakenOver, 'another connection took this client id');
  }

  closed(session: MqttSession): void {
    if (!this.sessions.delete(session)) return;
    this.metrics.connections.dec({ transport: 'listener' });
    if (session.principal && session.wasOpened) {
      const id = session.principal.tokenId;
      const left = (this.perToken.get(id) ?? 1) - 1;
      if (left > 0) this.perToken.set(id, left);
      else this.perToken.delete(id);
      const key = `${session.principal.siteId}/${session.clientId}`;
      if (this.byClientId.get(key) === session) this.byClientId.delete(key);
    }
  }

  async store(
    who: IngestPrincipal,
    topic: string,
    payload: Buffer,
    key: string | null,
    deadline: number,
    stopped: () => boolean,
  ): Promise<MqttStoreResult> {
    const halt = () => stopped() || this.stopping;
    if (topic.startsWith(SPARKPLUG_PREFIX))
      return this.ingest.withRetry(() => this.ingest.storeSparkplug(who, topic, payload), deadline, halt);
    const format = listenerFormat(topic);
    if ('refused' in format) return { ok: false, status: 404, reason: format.refused, transient: false };
    return this.ingest.withRetry(() => this.ingest.store(who, format, payload, key), deadline, halt);
  }

  record(
    qos: number,
    outcome: 'stored' | 'partial' | 'refused' | 'dropped' | 'unacked',
    ackMs?: number,
  ): void {
    this.metrics.messages.inc({ transport: 'listener', qos: String(qos), outcome });
    if (ackMs !== undefined) this.metrics.ackSeconds.observe({ transport: 'listener' }, ackMs / 1000);
  }

  /** Ends the sessions whose token no longer checks out (revoked, or its site deleted). */
  private async recheckTokens(tokenId: string | null): Promise<void> {
    for (const s of [...this.sessions]) {
      if (!s.connected || !s.principal || (tokenId !== null && s.principal.tokenId !== tokenId)) continue;
      const check = await this.tokens.check(s.secret).catch(() => undefined);
      if (check && !check.ok) s.close(Reason.notAuthorized, check.reason);
    }
  }
}
