import { type CanActivate, type ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import type { Refusal } from '../core/answers.js';
import { authorizeRequest } from '../core/authorize-request.js';
import type { HeaderSource } from '../core/transports.js';
import { LatchkeyVerifier } from '../core/verifier.js';
import { LATCHKEY_PERMISSIONS, LATCHKEY_PUBLIC, SUBJECT_PROPERTY } from './decorators.js';
import { LATCHKEY_OPTIONS, type LatchkeyModuleOptions } from './options.js';

/** What the guard reads of a request; Fastify's and Express's requests both have it. */
interface HttpRequest {
  headers: HeaderSource;
  method: string;
  url: string;
  originalUrl?: string;
  ip?: string;
  [SUBJECT_PROPERTY]?: unknown;
}

/** The envelope Latchkey itself answers errors in. */
export function envelopeOf(refusal: Refusal): object {
  const type = refusal.status === 429 || refusal.status === 503 ? 'retryableLogical' : 'security';
  return { errors: [{ message: refusal.message, type, code: refusal.status }] };
}

/** A refused request; `refusal` has the status, the verify code, the message and the headers. */
export class LatchkeyRefusalException extends HttpException {
  constructor(
    readonly refusal: Refusal,
    body: object = envelopeOf(refusal),
  ) {
    super(body, refusal.status);
  }
}

const NO_PERMISSIONS: readonly string[] = Object.freeze([]);

/**
 * Deny by default: every HTTP route needs a valid Latchkey key unless `@Public()`, and the key
 * must hold the route's `@RequirePermissions()`. The verified subject is left on the request for
 * `@LatchkeySubject()`. Refusals: 401 (no key, invalid key), 403 (policy), 429 (rate limit),
 * 503 (Latchkey unreachable and nothing recent cached).
 */
@Injectable()
export class LatchkeyGuard implements CanActivate {
  /**
   * Controller → handler → its required permissions, or null for public routes; metadata is read
   * once. Keyed by both: an inherited handler may serve controllers with different class rules.
   */
  private readonly rules = new WeakMap<object, WeakMap<object, readonly string[] | null>>();
  private readonly realm: string;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(LatchkeyVerifier) private readonly verifier: LatchkeyVerifier,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(LATCHKEY_OPTIONS) private readonly options: LatchkeyModuleOptions,
  ) {
    this.realm = options.realm ?? 'latchkey';
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const permissions = this.ruleFor(context);
    if (permissions === null) return true;
    // Other transports (WebSocket, microservices) carry no HTTP headers to check: refused.
    if (context.getType() !== 'http') return false;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const decision = await authorizeRequest(
      this.verifier,
      { headers: request.headers, method: request.method, path: request.originalUrl ?? request.url, clientIp: request.ip, permissions },
      this.realm,
    );
    if (decision.allow) {
      request[SUBJECT_PROPERTY] = decision.subject;
      return true;
    }
    const { refusal } = decision;
    const response = http.getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;
    for (const name in refusal.headers) adapter.setHeader(response, name, refusal.headers[name]);
    throw new LatchkeyRefusalException(refusal, (this.options.errorBody ?? envelopeOf)(refusal));
  }

  private ruleFor(context: ExecutionContext): readonly string[] | null {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.rules.get(controller);
    if (!byHandler) this.rules.set(controller, (byHandler = new WeakMap()));
    let rule = byHandler.get(handler);
    if (rule === undefined) {
      const targets = [handler, controller];
      if (this.reflector.getAllAndOverride<boolean>(LATCHKEY_PUBLIC, targets)) rule = null;
      else {
        const required = this.reflector.getAllAndMerge<string[]>(LATCHKEY_PERMISSIONS, targets) ?? [];
        rule = required.length ? Object.freeze([...new Set(required)].sort()) : NO_PERMISSIONS;
      }
      byHandler.set(handler, rule);
    }
    return rule;
  }
}
