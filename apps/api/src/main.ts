import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig } from './platform/config/app-config';
import { ConfigError } from './platform/config/config.schema';
import { createApp } from './create-app';
import { DEMO_USERS, DemoService } from './demo/demo.service';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(
        `dcfleet cannot start. ${err.message}\nSee .env.example for every variable and its default.`,
      );
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  const demo = app.get(DemoService);
  await demo.bootstrapUsers();
  const host = config.listenHost;
  await app.listen(config.env.PORT, host);
  const port = new URL(await app.getUrl()).port;
  const everywhere = host === '0.0.0.0' || host === '::';
  // Where the demo fleet and the printed links reach this instance; the log states the real bound address.
  const base = `http://${everywhere ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}`;
  const log = new Logger('dcfleet');
  log.log(
    `listening on ${everywhere ? `every interface (${host})` : host}, port ${port} (database: ${config.database.type}${config.database.type === 'sqlite' ? ' ' + config.database.path : ''})`,
  );
  if (config.env.DEMO && !isLoopback(host)) {
    log.warn(
      `DEMO MODE ON A NETWORK ADDRESS (HOST=${host}): the demo logins below are public — anyone who can reach ` +
        `port ${port} can log in as admin. Use DEMO=0 with ADMIN_PASSWORD for anything but a demo.`,
    );
  }
  if (config.env.DEMO) {
    await demo.startFleet(base);
    log.log(`demo mode — open ${base}/ and log in as:`);
    for (const u of DEMO_USERS)
      log.log(
        `  ${u.username} / ${u.username === config.env.ADMIN_USERNAME && config.env.ADMIN_PASSWORD ? '(ADMIN_PASSWORD)' : u.password}  — ${u.sees}`,
      );
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

void bootstrap();
