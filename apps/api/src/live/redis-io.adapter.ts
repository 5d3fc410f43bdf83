import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Namespace, type Server, type ServerOptions } from 'socket.io';

/** The engine.io socket fields used at shutdown (private in its typings). */
interface EngineClient {
  writeBuffer: unknown[];
  transport: { socket?: { terminate?: () => void } };
  close: (discard?: boolean) => void;
}

/**
 * socket.io adapter for the whole app. With REDIS_URL it attaches @socket.io/redis-adapter (one publishing
 * and one subscribing ioredis connection), so an event emitted to a room on one API instance reaches that
 * room's clients on every instance; without it, plain in-process rooms.
 *
 * Call `connectToRedis()` and wait for it before `app.listen()`. It also closes socket.io cleanly on
 * shutdown: open websockets would otherwise keep the HTTP server from closing.
 */
export class RedisIoAdapter extends IoAdapter {
  private adapterConstructor?: ReturnType<typeof createAdapter>;
  private readonly clients: Redis[] = [];
  private readonly closed = new WeakSet<Server>();

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl?: string,
    private readonly prefix = 'dcfleet',
  ) {
    super(app);
  }

  async connectToRedis(): Promise<void> {
    if (!this.redisUrl || this.adapterConstructor) return;
    const pub = new Redis(this.redisUrl, { lazyConnect: true, connectionName: 'dcfleet-io-pub' });
    const sub = new Redis(this.redisUrl, { lazyConnect: true, connectionName: 'dcfleet-io-sub' });
    this.clients.push(pub, sub);
    try {
      await Promise.all([pub.connect(), sub.connect()]);
    } catch (err) {
      await this.dispose();
      throw new Error(`socket.io Redis adapter: cannot connect to REDIS_URL: ${(err as Error).message}`);
    }
    // The key namespaces the pub/sub channels, so deployments sharing a Redis never see each other's events.
    this.adapterConstructor = createAdapter(pub, sub, { key: `${this.prefix}:socket.io` });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    if (this.adapterConstructor) server.adapter(this.adapterConstructor);
    return server;
  }

  /** Closes socket.io (not the HTTP server: Nest closes that next). */
  override async close(server: Server | Namespace): Promise<void> {
    const io = server instanceof Namespace ? server.server : server;
    if (this.closed.has(io)) return;
    this.closed.add(io);
    const engine = io.engine as unknown as
      { clients: Record<string, EngineClient>; close: () => void } | undefined;
    if (engine) {
      // A client that stopped reading would keep its connection (and the HTTP server) open forever while
      // engine.io waits for its queue to drain: drop those, close the others with a normal close frame.
      for (const client of Object.values(engine.clients)) {
        const ws = client.transport.socket;
        if (client.writeBuffer.length && typeof ws?.terminate === 'function') ws.terminate();
        else client.close(true);
      }
      engine.close();
    }
    // Unsubscribes the Redis adapter of every namespace (no-op for the in-memory adapter).
    await Promise.allSettled([...io._nsps.values()].map(async (nsp) => nsp.adapter.close()));
  }

  override async dispose(): Promise<void> {
    const clients = this.clients.splice(0);
    await Promise.all(
      clients.map(async (c) => {
        try {
          await c.quit();
        } catch {
          c.disconnect();
        }
      }),
    );
  }
}
