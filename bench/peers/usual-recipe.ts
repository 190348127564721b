// Peer for ratio_auth_vs_usual_recipe: "what a user would pick instead" of Latchkey, written the
// way the Nest and MikroORM docs suggest and without handicaps: Nest 12 on Fastify (logger off),
// @nestjs/passport with passport-headerapikey reading `Authorization: Bearer <key>`, and per
// request a SHA-256 of the key and one MikroORM findOne by the unique hash (with the key's user)
// on SQLite, in MikroORM's request context. No cache: that is the recipe.
//
// On start it creates its schema and, if the table is empty, stores the keys listed one a line in
// RECIPE_KEYS_FILE (1,000 keys per user, as the bench seeds Latchkey).
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineEntity, EntityManager, MikroORM, p } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { Controller, Get, Injectable, Module, UnauthorizedException, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';

const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.integer().primary().autoincrement(),
    login: p.string().length(64),
    role: p.string().length(32),
  },
});
class User extends UserSchema.class {}
UserSchema.setClass(User);

const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: p.integer().primary().autoincrement(),
    hash: p.string().length(64).unique(),
    name: p.string().length(128),
    user: () => p.manyToOne(User),
    createdAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
});
class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

@Injectable()
class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'api-key') {
  constructor(private readonly em: EntityManager) {
    super({ header: 'Authorization', prefix: 'Bearer ' }, false);
  }

  async validate(apiKey: string): Promise<User> {
    const key = await this.em.findOne(ApiKey, { hash: sha256(apiKey), revokedAt: null }, { populate: ['user'] });
    if (!key) throw new UnauthorizedException();
    return key.user;
  }
}

@Controller('ping')
class PingController {
  @Get('authenticated')
  @UseGuards(AuthGuard('api-key'))
  authenticated() {
    return { data: { pong: true } };
  }
}

@Module({
  imports: [
    MikroOrmModule.forRoot({ driver: SqliteDriver, dbName: process.env.RECIPE_DATABASE ?? ':memory:', entities: [User, ApiKey] }),
    PassportModule,
  ],
  controllers: [PingController],
  providers: [ApiKeyStrategy],
})
class RecipeModule {}

async function seed(orm: MikroORM, file: string): Promise<number> {
  await orm.schema.update();
  const em = orm.em.fork();
  if ((await em.count(ApiKey)) > 0) return em.count(ApiKey);
  const keys = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  let user: User | undefined;
  keys.forEach((key, i) => {
    if (i % 1000 === 0) user = em.create(User, { login: `svc-${i / 1000}`, role: 'portalOperator' });
    em.create(ApiKey, { hash: sha256(key), name: `key ${i}`, user: user!, createdAt: new Date() });
  });
  await em.flush();
  return keys.length;
}

const app = await NestFactory.create<NestFastifyApplication>(RecipeModule, new FastifyAdapter({ logger: false }), { logger: false });
app.setGlobalPrefix('api/v3');
app.enableShutdownHooks();
const stored = process.env.RECIPE_KEYS_FILE ? await seed(app.get(MikroORM), process.env.RECIPE_KEYS_FILE) : 0;
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log(`usual recipe listening on ${await app.getUrl()} with ${stored} keys`);
