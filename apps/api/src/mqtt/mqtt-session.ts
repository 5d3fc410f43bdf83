import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import mqttPacket, {
  type IConnectPacket,
  type IPublishPacket,
  type ISubscribePacket,
  type IUnsubscribePacket,
  type Packet,
} from 'mqtt-packet';
import type { IngestPrincipal } from '../platform/access/access.types';
import { idempotencyKeyOf, outcomeOf, receiptMessage, type MqttStoreResult } from './mqtt-ingest.service';
import { pubackReason, Reason } from './mqtt-reasons';
import { RECEIPTS_TOPIC, SPARKPLUG_PREFIX } from './mqtt-topics';

/** What a session needs from its listener (mqtt-listener.ts), so the protocol logic here stays testable alone. */
export interface SessionHost {
  readonly maxInflight: number;
  readonly maxPayloadBytes: number;
  readonly retryMs: number;
  /** Checks the password (an ingest token) of a client at `address`; takes its token's slot when it answers ok. */
  authenticate(
    secret: string,
    address: string,
  ): Promise<
    { ok: true; principal: IngestPrincipal } | { ok: false; v4: number; v5: number; reason: string }
  >;
  /** Stores a published message by its topic; resolves once it is stored, refused, or given up (transient). */
  store(
    who: IngestPrincipal,
    topic: string,
    payload: Buffer,
    key: string | null,
    deadline: number,
    stopped: () => boolean,
  ): Promise<MqttStoreResult>;
  /** Counts a message's outcome and, for QoS ≥ 1, the time to its acknowledgement. */
  record(
    qos: number,
    outcome: 'stored' | 'partial' | 'refused' | 'dropped' | 'unacked',
    ackMs?: number,
  ): void;
  /** The session is connected (client id and principal set): a previous one with its client id is taken over. */
  opened(session: MqttSession): void;
  /** The session is gone: its slot is released. */
  closed(session: MqttSession): void;
}

/** Bytes of MQTT framing around a payload that a maximum payload size allows for (fixed header, topic, properties). */
const FRAMING_BYTES = 64 * 1024;

/**
 * One gateway's MQTT connection to the built-in listener: MQTT 3.1.1 and 5 over mqtt-packet's parser and
 * generator. It is no general broker: a gateway publishes telemetry for its own site and may subscribe to its own
 * receipts, nothing else (docs/architecture.md "Ingest transports"). Sessions are never kept after a disconnect.
 */
export class MqttSession {
  readonly id = randomBytes(6).toString('hex');
  clientId = '';
  principal: IngestPrincipal | null = null;
  /** The password, kept to re-check the token while connected (revocation ends the session). */
  secret = '';
  private version: 4 | 5 = 4;
  private readonly parser = mqttPacket.parser({ protocolVersion: 5 });
  private receipts = false;
  private inflight = 0;
  /** QoS ≥ 1 packet ids being stored or awaiting PUBREL (QoS 2): a DUP resend of one is not stored twice. */
  private readonly pending = new Set<number>();
  private readonly awaitingRelease = new Set<number>();
  /** PUBACKs go out in the order their PUBLISHes came (MQTT 3.1.1 4.6), whatever order the commits finish in. */
  private ackChain: Promise<void> = Promise.resolve();
  private bytesSincePacket = 0;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private keepAliveMs = 0;
  private lastPacketAt = Date.now();
  private readonly early: Packet[] = [];
  /** A Sparkplug edge node's NDEATH, registered as its will: stored when the connection is lost, not on DISCONNECT. */
  private will: { topic: string; payload: Buffer } | undefined;
  private state: 'connecting' | 'authenticating' | 'connected' | 'closed' = 'connecting';

  constructor(
    private readonly socket: Socket,
    private readonly host: SessionHost,
  ) {
    this.parser.on('packet', (p: Packet) => this.onPacket(p));
    this.parser.on('error', (err: Error) => this.close(Reason.malformed, `malformed packet: ${err.message}`));
    socket.on('data', (chunk: Buffer) => {
      this.bytesSincePacket += chunk.length;
      if (this.bytesSincePacket > host.maxPayloadBytes + FRAMING_BYTES) {
        this.close(Reason.packetTooLarge, `packet over ${host.maxPayloadBytes} bytes of payload`);
        return;
      }
      this.parser.parse(chunk);
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    // A connection that never sends CONNECT is dropped (the spec's "reasonable amount of time").
    this.keepAliveTimer = setTimeout(() => this.close(), 10_000);
  }

  /** CONNACK accepted it (it held a connection slot of its token). */
  get wasOpened(): boolean {
    return this.principal !== null && this.clientId !== '';
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Ends the session; with a reason on MQTT 5, the client is told why first (DISCONNECT). */
  close(reasonCode?: number, reasonString?: string): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    clearTimeout(this.keepAliveTimer);
    if (wasConnected && this.will && this.principal) {
      void this.host.store(
        this.principal,
        this.will.topic,
        this.will.payload,
        null,
        Date.now() + this.host.retryMs,
        () => false,
      );
    }
    if (wasConnected && this.version === 5 && reasonCode !== undefined && !this.socket.destroyed) {
      this.send({
        cmd: 'disconnect',
        reasonCode,
        ...(reasonString ? { properties: { reasonString: reasonString.slice(0, 200) } } : {}),
      });
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.host.closed(this);
  }

  private send(packet: Packet): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(mqttPacket.generate(packet, { protocolVersion: this.version }));
  }

  private onPacket(p: Packet): void {
    this.bytesSincePacket = 0;
    this.lastPacketAt = Date.now();
    if (this.state === 'closed') return;
    if (this.state === 'connecting') {
      if (p.cmd !== 'connect') return this.close();
      this.state = 'authenticating';
      void this.onConnect(p);
      return;
    }
    if (this.state === 'authenticating') {
      // Packets pipelined behind CONNECT wait until it is answered.
      this.socket.pause();
      this.early.push(p);
      return;
    }
    this.dispatch(p);
  }

  private dispatch(p: Packet): void {
    switch (p.cmd) {
      case 'publish':
        return this.onPublish(p);
      case 'pubrel':
        if (p.messageId !== undefined && this.awaitingRelease.delete(p.messageId))
          this.send({ cmd: 'pubcomp', messageId: p.messageId });
        else if (p.messageId !== undefined)
          this.send({
            cmd: 'pubcomp',
            messageId: p.messageId,
            ...(this.version === 5 ? { reasonCode: Reason.packetIdNotFound } : {}),
          });
        return;
      case 'subscribe':
        return this.onSubscribe(p);
      case 'unsubscribe':
        return this.onUnsubscribe(p);
      case 'pingreq':
        return this.send({ cmd: 'pingresp' });
      case 'puback':
        return; // receipts go out at QoS 0; a client acking anyway is harmless
      case 'disconnect':
        // A normal DISCONNECT discards the will, unless MQTT 5's "disconnect with will message" (0x04) asks for it.
        if (p.reasonCode !== 0x04 /* disconnect with will message */) this.will = undefined;
        return this.close();
      case 'auth':
        return this.close(
          Reason.badAuthMethod,
          'enhanced authentication is not supported; send the token as password',
        );
      default:
        return this.close(Reason.protocolError, `unexpected ${p.cmd} packet`);
    }
  }

  private async onConnect(p: IConnectPacket): Promise<void> {
    const version = p.protocolVersion === 5 ? 5 : p.protocolVersion === 4 ? 4 : undefined;
    if (!version) {
      this.version = 4;
      this.send({ cmd: 'connack', returnCode: 1, sessionPresent: false });
      this.state = 'connected';
      return this.close();
    }
    this.version = version;
    // mqtt-packet parses properties by the version it was made with; CONNECT says which one the client speaks.
    (this.parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = version;
    const refuse = (v4: number, v5: number, reason: string) => {
      this.send(
        version === 5
          ? { cmd: 'connack', reasonCode: v5, sessionPresent: false, properties: { reasonString: reason } }
          : { cmd: 'connack', returnCode: v4, sessionPresent: false },
      );
      this.state = 'connected';
      this.close();
    };
    if (!p.clientId && !p.clean && version === 4)
      return refuse(2, Reason.clientIdInvalid, 'client id required');
    const secret = p.password ? p.password.toString('utf8') : '';
    if (!secret) return refuse(4, Reason.badCredentials, 'the password must be the site’s ingest token');
    const auth = await this.host.authenticate(secret, this.socket.remoteAddress ?? '?');
    if (this.state === 'closed') return;
    if (!auth.ok) return refuse(auth.v4, auth.v5, auth.reason);
    // Nothing awaits from here to opened(): the slot it takes is released by close() → closed().
    this.principal = auth.principal;
    this.secret = secret;
    if (p.will?.topic.startsWith(SPARKPLUG_PREFIX)) {
      const payload = p.will.payload;
      this.will = {
        topic: p.will.topic,
        payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      };
    }
    this.clientId = p.clientId || `dcfleet-${this.id}`;
    this.state = 'connected';
    const keepAlive = p.keepalive ?? 0;
    this.keepAliveMs = keepAlive * 1500;
    this.armKeepAlive();
    this.send(
      version === 5
        ? {
            cmd: 'connack',
            reasonCode: 0,
            sessionPresent: false,
            properties: {
              // Nothing is kept after a disconnect, whatever the client asked for.
              sessionExpiryInterval: 0,
              receiveMaximum: this.host.maxInflight,
              maximumQoS: 1,
              maximumPacketSize: this.host.maxPayloadBytes + FRAMING_BYTES,
              topicAliasMaximum: 0,
              wildcardSubscriptionAvailable: false,
              subscriptionIdentifiersAvailable: false,
              sharedSubscriptionAvailable: false,
              ...(p.clientId ? {} : { assignedClientIdentifier: this.clientId }),
            },
          }
        : { cmd: 'connack', returnCode: 0, sessionPresent: false },
    );
    this.host.opened(this);
    for (const early of this.early.splice(0)) if (this.state === 'connected') this.dispatch(early);
    this.socket.resume();
  }

  private armKeepAlive(): void {
    clearTimeout(this.keepAliveTimer);
    if (!this.keepAliveMs) return;
    const check = () => {
      const idle = Date.now() - this.lastPacketAt;
      if (idle >= this.keepAliveMs) return this.close(Reason.keepAliveTimeout, 'keep alive timeout');
      this.keepAliveTimer = setTimeout(check, this.keepAliveMs - idle);
    };
    this.keepAliveTimer = setTimeout(check, this.keepAliveMs);
  }

  private onPublish(p: IPublishPacket): void {
    const who = this.principal!;
    const qos = p.qos;
    const id = p.messageId;
    if (qos === 2 && this.version === 5)
      return this.close(Reason.qosNotSupported, 'QoS 2 is not supported; use 1');
    if (qos > 0 && id !== undefined && (this.pending.has(id) || this.awaitingRelease.has(id))) {
      // A resend of a message still being stored will be acknowledged once; one awaiting PUBREL is re-acknowledged.
      if (this.awaitingRelease.has(id)) this.send({ cmd: 'pubrec', messageId: id });
      return;
    }
    const received = Date.now();
    const payload = typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload;
    if (qos === 0 && this.inflight >= this.host.maxInflight) {
      this.host.record(0, 'dropped');
      return;
    }
    this.inflight++;
    if (this.inflight >= this.host.maxInflight) this.socket.pause();
    const result = this.host
      .store(
        who,
        p.topic,
        payload,
        idempotencyKeyOf(p),
        received + this.host.retryMs,
        () => this.state === 'closed',
      )
      .finally(() => {
        this.inflight--;
        if (this.inflight < this.host.maxInflight && this.state === 'connected') this.socket.resume();
      });
    if (qos === 0) {
      result.then(
        (out) => {
          this.host.record(0, outcomeOf(out));
          this.sendReceipt(p, out);
        },
        () => this.close(Reason.unspecified, 'internal error'),
      );
      return;
    }
    if (id !== undefined) this.pending.add(id);
    const acked = result.then((out) => () => {
      if (id !== undefined) this.pending.delete(id);
      if (!out.ok && out.transient) {
        // Not durable: no acknowledgement, and the connection ends so that the gateway resends (MQTT resends
        // unacknowledged QoS 1 messages on reconnect).
        this.host.record(qos, 'unacked');
        return this.close(Reason.serverBusy, `not stored, resend later: ${out.reason}`);
      }
      this.host.record(qos, outcomeOf(out), Date.now() - received);
      if (this.state !== 'connected' || id === undefined) return;
      const reasonCode = pubackReason(out);
      const reasonString = !out.ok ? out.reason : out.problems.length ? 'partial write' : undefined;
      const props =
        this.version === 5 && reasonString
          ? { properties: { reasonString: reasonString.slice(0, 200) } }
          : {};
      if (qos === 2) {
        this.awaitingRelease.add(id);
        this.send({ cmd: 'pubrec', messageId: id, ...(this.version === 5 ? { reasonCode } : {}), ...props });
      } else {
        this.send({ cmd: 'puback', messageId: id, ...(this.version === 5 ? { reasonCode } : {}), ...props });
      }
      this.sendReceipt(p, out);
    });
    // A failure here is a bug (store never rejects): end the session rather than leave the chain, and its acks, stuck.
    this.ackChain = this.ackChain
      .then(() => acked)
      .then((ack) => ack())
      .catch(() => this.close(Reason.unspecified, 'internal error'));
  }

  private sendReceipt(p: IPublishPacket, out: MqttStoreResult): void {
    if (!this.receipts || this.state !== 'connected') return;
    const correlationData = p.properties?.correlationData;
    this.send({
      cmd: 'publish',
      topic: RECEIPTS_TOPIC,
      payload: receiptMessage(p.topic, p.messageId, out),
      qos: 0,
      retain: false,
      dup: false,
      ...(this.version === 5
        ? { properties: { contentType: 'application/json', ...(correlationData ? { correlationData } : {}) } }
        : {}),
    });
  }

  private onSubscribe(p: ISubscribePacket): void {
    // Receipts are sent at QoS 0: they are a courtesy, the PUBACK is the acknowledgement.
    const granted = p.subscriptions.map((s) => {
      if (s.topic === RECEIPTS_TOPIC) {
        this.receipts = true;
        return 0;
      }
      // Sparkplug edge nodes subscribe to their commands (NCMD/DCMD) and host STATE: granted so that they run
      // unchanged, though dcfleet never publishes there (nothing another site sent can reach them).
      if (s.topic.startsWith(SPARKPLUG_PREFIX)) return 0;
      return this.version === 5 ? Reason.notAuthorized : 0x80; // 3.1.1: failure
    });
    this.send({ cmd: 'suback', messageId: p.messageId, granted });
  }

  private onUnsubscribe(p: IUnsubscribePacket): void {
    const granted = p.unsubscriptions.map((t) => {
      if (t !== RECEIPTS_TOPIC || !this.receipts) return 0x11; // no subscription existed
      this.receipts = false;
      return 0;
    });
    this.send({
      cmd: 'unsuback',
      messageId: p.messageId,
      ...(this.version === 5 ? { granted } : { granted: [] }),
    });
  }
}
