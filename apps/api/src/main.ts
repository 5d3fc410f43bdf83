import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { ConfigError } from './config/config.schema';
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
  await app.listen(config.env.PORT, config.env.HOST);
  const url = await app.getUrl();
  const base = url.replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
  const log = new Logger('dcfleet');
  log.log(
    `listening on ${base} (database: ${config.database.type}${config.database.type === 'sqlite' ? ' ' + config.database.path : ''})`,
  );
  if (config.env.DEMO) {
    await demo.startFleet(base);
    log.log(`demo mode — open ${base}/ and log in as:`);
    for (const u of DEMO_USERS)
      log.log(
        `  ${u.role.padEnd(9)} ${u.username} / ${u.username === config.env.ADMIN_USERNAME && config.env.ADMIN_PASSWORD ? '(ADMIN_PASSWORD)' : u.password}`,
      );
  }
}

void bootstrap();
