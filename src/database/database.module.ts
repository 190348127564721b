import { MikroORM } from '@mikro-orm/core';
import { MikroOrmModule, type MikroOrmModuleSyncOptions } from '@mikro-orm/nestjs';
import { type DynamicModule, Global, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { migrate } from './migrate.js';
import { dialectOf, type Entities, ormOptions } from './orm.config.js';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { countQuery } from './query-counter.js';
import { registerRequestScope, requestEntityManager } from './request-scope.js';
import { DatabaseScope } from './database-scope.js';
import { SecretsService } from './secrets.service.js';

@Global()
@Module({ providers: [SecretsService, DatabaseScope], exports: [SecretsService, DatabaseScope] })
export class DatabaseModule implements OnModuleInit {
  static forRoot(config: AppConfig, entities: Entities): DynamicModule {
    const driver = dialectOf(config.databaseUrl) === 'postgresql' ? PostgreSqlDriver : SqliteDriver;
    return {
      module: DatabaseModule,
      imports: [
        MikroOrmModule.forRoot({
          ...ormOptions(config.databaseUrl, entities),
          driver,
          registerRequestContext: false,
          context: requestEntityManager,
          ...(config.benchMetrics ? { onQuery: countQuery } : {}),
        } as MikroOrmModuleSyncOptions),
      ],
    };
  }

  private readonly logger = new Logger('Database');

  constructor(
    private readonly orm: MikroORM,
    private readonly secrets: SecretsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Pending migrations run before anything else touches the database. */
  async onModuleInit(): Promise<void> {
    registerRequestScope(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), this.orm.em);
    const applied = await migrate(this.orm);
    if (applied.length) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    await this.secrets.load();
    this.logger.log(`database ready (${this.config.databaseUrl.startsWith('postgres') ? 'postgresql' : 'sqlite'})`);
  }
}
