import { Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';

/** Provides the validated configuration. Tests pass their own AppConfig via AppModule.forRoot. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig) {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
