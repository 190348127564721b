import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
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
  @ApiOkResponse({
    description: 'A stream of `credential` events and `: heartbeat` comments every 15 s. 429 when too many streams are open for the credential or on the server.',
    content: { 'text/event-stream': { schema: { type: 'string', example: 'id: 1764627802123001\nevent: credential\ndata: {"kind":"identity","ids":[71]}\n\n' } } },
  })
  @Access({ surface: 'integration', permission: 'introspect:use', ownable: false })
  follow(@CurrentPrincipal() caller: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.events.open(caller, request.headers['last-event-id'], reply.raw, reply.getHeaders() as Record<string, string>, () => reply.hijack());
  }
}
