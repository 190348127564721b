import { SetMetadata, applyDecorators } from '@nestjs/common';
import type { AccessRule } from './principal.js';

export const PUBLIC_KEY = 'latchkey:public';
export const ACCESS_KEY = 'latchkey:access';

/** Opt a route out of authentication. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The one decorator a route uses to say what it needs; the global guard does the rest. */
export function Access(rule: Partial<AccessRule> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(ACCESS_KEY, { surface: 'rest', ownable: true, ...rule } satisfies AccessRule));
}
