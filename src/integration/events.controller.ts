import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { CredentialEvents } from './credential-events.js';

/** Credential changes for resource servers that cache verify answers (the NestJS SDK follows it). */
@Controller('integration')
export class EventsController {
  constructor(private readonly events: CredentialEvents) {}

  /**
   * Server-Sent Events: `event: credential`, `data: {"kind":"identity","ids":[71]}` (kinds identity,
   * user, company, permission, all), ids only, the caller's tenant only; `Last-Event-ID` resumes.
   */
  @Get('events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'A stream of `credential` events and `: heartbeat` comments every 15 s.' })
  @ApiTooManyRequestsResponse({ description: 'Too many streams open for this credential or on this server.' })
  @Access({ surface: 'integration', permission: 'introspect:use', ownable: false })
  follow(@CurrentPrincipal() caller: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.events.open(caller, request.headers['last-event-id'], reply.raw, reply.getHeaders() as Record<string, string>, () => reply.hijack());
  }
}
