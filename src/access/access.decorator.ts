import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { ApiErrors, AUTHENTICATED_ERRORS, SECURITY_SCHEMES } from '../common/openapi.js';
import type { AccessRule } from './principal.js';

export const PUBLIC_KEY = 'latchkey:public';
export const ACCESS_KEY = 'latchkey:access';

/** Opt a route out of authentication; the OpenAPI document lists no security for it. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/**
 * The one decorator a route uses to say what it needs; the global guard does the rest. It also
 * documents the route: any of the three credential transports, the rule, and the common errors.
 */
export function Access(rule: Partial<AccessRule> = {}): MethodDecorator & ClassDecorator {
  const full = { surface: 'rest', ownable: true, ...rule } satisfies AccessRule;
  return applyDecorators(
    SetMetadata(ACCESS_KEY, full),
    ApiBearerAuth(SECURITY_SCHEMES.bearer),
    ApiSecurity(SECURITY_SCHEMES.apiKey),
    ApiBasicAuth(SECURITY_SCHEMES.basic),
    ApiExtension('x-latchkey-access', { surface: full.surface, permission: full.permission ?? null, ownable: full.ownable, sessionOnly: full.sessionOnly ?? false }),
    ApiErrors(...AUTHENTICATED_ERRORS),
  );
}
