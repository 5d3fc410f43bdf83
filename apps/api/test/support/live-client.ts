import {
  type AlarmInfo,
  LIVE_NAMESPACE,
  LIVE_PATH,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscribeAck,
  type SubscribeRequest,
} from '@dcfleet/contracts';
import { io, type Socket } from 'socket.io-client';

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/** A real socket.io client on /live that records every server event it receives. */
export class RecordingClient {
  readonly socket: LiveClient;
  readonly received: { [E in EventName]: Payload<E>[] } = {
    'fleet:update': [],
    'dc:update': [],
    alarm: [],
    'rating:revised': [],
  };
  private waiters: (() => void)[] = [];

  constructor(baseUrl: string, token: string | undefined, opts: { reconnection?: boolean } = {}) {
    this.socket = io(baseUrl + LIVE_NAMESPACE, {
      path: LIVE_PATH,
      transports: ['websocket'],
      auth: token === undefined ? {} : { token },
      reconnection: opts.reconnection ?? false,
      autoConnect: false,
      forceNew: true,
    });
    for (const name of Object.keys(this.received) as EventName[]) {
      this.socket.on(name, ((payload: Payload<typeof name>) => {
        (this.received[name] as unknown[]).push(payload);
        for (const w of this.waiters.splice(0)) w();
      }) as never);
    }
  }

  /** Connects; rejects with the connect_error. */
  connect(): Promise<this> {
    return new Promise((resolve, reject) => {
      const ok = () => {
        this.socket.off('connect_error', fail);
        resolve(this);
      };
      const fail = (err: Error) => {
        this.socket.off('connect', ok);
        reject(err);
      };
      this.socket.once('connect', ok);
      this.socket.once('connect_error', fail);
      this.socket.connect();
    });
  }

  subscribe(req: SubscribeRequest): Promise<SubscribeAck> {
    return this.socket.timeout(5000).emitWithAck('subscribe', req);
  }

  /** Waits until `cond` holds over the received events (re-checked on every event), or times out. */
  async until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.counts())}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  counts(): Record<EventName, number> {
    return Object.fromEntries(Object.entries(this.received).map(([k, v]) => [k, v.length])) as Record<
      EventName,
      number
    >;
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}

/** Connects and expects a refusal; resolves with the connect_error message. */
export async function refusal(baseUrl: string, token?: string): Promise<string> {
  const c = new RecordingClient(baseUrl, token);
  try {
    await c.connect();
  } catch (err) {
    return (err as Error).message;
  } finally {
    c.close();
  }
  throw new Error('connection was accepted');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Ok = Extract<SubscribeAck, { ok: true }>;

/** The ack of a subscribe that must succeed. */
export function ok(ack: SubscribeAck): Ok {
  if (!ack.ok) throw new Error(`subscribe refused: ${ack.error}`);
  return ack;
}

/** An active warning alarm of a site, to publish directly. */
export const alarmOf = (id: number, datacenter: string): AlarmInfo => ({
  id,
  datacenter,
  rule: 'inlet-temp',
  severity: 'warning',
  state: 'active',
  message: 'inlet above 27 °C',
  raisedAt: new Date().toISOString(),
  clearedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  note: null,
});
