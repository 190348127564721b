import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { VerifiedSubject } from '../core/authorize-request.js';

export const LATCHKEY_PUBLIC = 'latchkey:public';
export const LATCHKEY_PERMISSIONS = 'latchkey:permissions';
/** Where the guard leaves the verified subject on the request (`request.latchkey`). */
export const SUBJECT_PROPERTY = 'latchkey';

const PERMISSION = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/;

/** The route (or every route of the controller) takes requests without a key. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(LATCHKEY_PUBLIC, true);

/**
 * The key must hold every one of these permissions (`resource:action`, as defined in Latchkey).
 * On a controller and a route, both sets are required. Routes without it still need a valid key.
 */
export function RequirePermissions(...permissions: string[]): MethodDecorator & ClassDecorator {
  const wrong = permissions.find((permission) => !PERMISSION.test(permission));
  if (wrong !== undefined) throw new TypeError(`"${wrong}" is not a permission name (resource:action, lower case).`);
  return SetMetadata(LATCHKEY_PERMISSIONS, Object.freeze([...permissions]));
}

/** The subject the guard verified, or one of its properties: `@LatchkeySubject('userUid')`. Undefined on public routes. */
export const LatchkeySubject = createParamDecorator((field: keyof VerifiedSubject | undefined, context: ExecutionContext) => {
  const subject = context.switchToHttp().getRequest<Record<string, VerifiedSubject | undefined>>()[SUBJECT_PROPERTY];
  return field ? subject?.[field] : subject;
});
