// Peer for ratio_public_vs_bare_nest: the smallest Nest 12 app on Fastify, logger off (Nest and
// Fastify), one controller answering the same path and body as Latchkey's public ping. What is
// left between the two is Latchkey's own global pipeline (guard, hooks, headers, request logging).
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller('ping')
class PingController {
  @Get()
  ping() {
    return { data: { pong: true } };
  }
}

@Module({ controllers: [PingController] })
class BareModule {}

const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter({ logger: false }), { logger: false });
app.setGlobalPrefix('api/v3');
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log(`bare nest listening on ${await app.getUrl()}`);
