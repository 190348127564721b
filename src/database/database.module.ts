import { MikroORM } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Global, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, loadConfig } from '../config/config.js';
import { ConfigModule } from '../config/config.module.js';
import { migrate } from './migrate.js';
import { dialectOf, ormOptions } from './orm.config.js';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { SecretsService } from './secrets.service.js';

@Global()
@Module({
  imports: [
    MikroOrmModule.forRootAsync({
      imports: [ConfigModule],
      inject: [APP_CONFIG],
      driver: dialectOf(loadConfig().databaseUrl) === 'postgresql' ? PostgreSqlDriver : SqliteDriver,
      useFactory: (config: AppConfig) => ormOptions(config.databaseUrl),
    }),
  ],
  providers: [SecretsService],
  exports: [SecretsService],
})
export class DatabaseModule implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(
    private readonly orm: MikroORM,
    private readonly secrets: SecretsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Pending migrations run before anything else touches the database. */
  async onModuleInit(): Promise<void> {
    const applied = await migrate(this.orm);
    if (applied.length) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    await this.secrets.load();
    this.logger.log(`database ready (${this.config.databaseUrl.startsWith('postgres') ? 'postgresql' : 'sqlite'})`);
  }
}
