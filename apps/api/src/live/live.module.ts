import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { SitesModule } from '../sites/sites.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { LiveFeed } from './live-feed.service';
import { LiveGateway } from './live.gateway';
import { LiveMetrics } from './live.metrics';
import { LivePublisher } from './live.publisher';
import { LocalLiveStreams, RedisLiveStreams, type LiveStreams } from './live-streams';
import { LIVE_STREAMS } from './live.types';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { LiveFeed } from './live-feed.service';
export { LivePublisher } from './live.publisher';

async function createStreams(config: AppConfig): Promise<LiveStreams> {
  const { REDIS_URL, REDIS_PREFIX, LIVE_BUFFER_SIZE, LIVE_BUFFER_BYTES } = config.env;
  if (!REDIS_URL) return new LocalLiveStreams(LIVE_BUFFER_SIZE, LIVE_BUFFER_BYTES);
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectionName: 'dcfleet-live',
    maxRetriesPerRequest: 3,
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`live push: cannot connect to REDIS_URL: ${(err as Error).message}`);
  }
  return new RedisLiveStreams(redis, REDIS_PREFIX, LIVE_BUFFER_SIZE, LIVE_BUFFER_BYTES);
}

/**
 * Live push over socket.io (docs/contract.md "Live updates"). Global, so features that publish (alarms, ratings) can inject
 * LivePublisher without importing this module.
 */
@Global()
@Module({
  imports: [SitesModule, TelemetryModule],
  providers: [
    { provide: LIVE_STREAMS, inject: [AppConfig], useFactory: createStreams },
    LiveMetrics,
    LivePublisher,
    LiveFeed,
    LiveGateway,
  ],
  exports: [LivePublisher, LiveFeed],
})
export class LiveModule implements OnApplicationShutdown {
  constructor(@Inject(LIVE_STREAMS) private readonly streams: LiveStreams) {}

  /** After the sockets are closed (Nest closes gateways before the shutdown hooks). */
  async onApplicationShutdown(): Promise<void> {
    await this.streams.close();
  }
}
