import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { createDataSource, dataSourceOptions } from './data-source';
import { DbHandle } from './db-handle';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.database), migrationsRun: true }),
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('no data source options');
        return createDataSource(options).initialize();
      },
    }),
  ],
  providers: [DbHandle],
  exports: [DbHandle],
})
export class DatabaseModule {}
