import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseLock, LockName, runLocked } from './database-lock';
import { dataSourceOptions } from './data-source-options';
import { withPostgresTimestamps } from './postgres-timestamps';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // main.ts has reached the database already, retrying quietly; TypeORM's own retries log a stack trace each.
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.database), toRetry: () => false }),
      // Instances starting together take turns: the first applies pending migrations, the others find none.
      dataSourceFactory: async (options) => {
        const dataSource = await withPostgresTimestamps(new DataSource(options!)).initialize();
        await runLocked(dataSource, LockName.Migrations, () => dataSource.runMigrations({ transaction: 'each' }));
        return dataSource;
      },
    }),
  ],
  providers: [DatabaseLock],
  exports: [DatabaseLock],
})
export class DatabaseModule {}
