import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { SURFACES } from '../../access/permissions.js';
import { PLAIN_TEXT } from '../../common/input-rules.js';
import { IDENTITY_PROVIDERS, type IdentityProvider } from '../identity.entity.js';
import type { IdentityView, ReportedStatus } from '../identity.mapper.js';

const NEVER_NULL = 'Empty string when unset; no field of a login is ever null.';

/** The documented shape of `IdentityView`: VSPC's `UserLogin` plus Latchkey's extensions. */
@ApiSchema({ name: 'UserLogin' })
export class IdentityViewDto implements IdentityView {
  @ApiProperty({ type: 'integer', format: 'int64' })
  id: number;

  @ApiProperty({ format: 'uuid' })
  userUid: string;

  @ApiProperty()
  userName: string;

  @ApiProperty({ format: 'uuid' })
  companyId: string;

  @ApiProperty()
  companyName: string;

  @ApiProperty({ enum: IDENTITY_PROVIDERS, description: '`VSPC` password, `AK` API key, `TOTP` second factor.' })
  identityProviderName: IdentityProvider;

  @ApiProperty({ minLength: 1, maxLength: 128, pattern: PLAIN_TEXT.source })
  description: string;

  @ApiProperty({ description: 'Only GET, HEAD and OPTIONS.' })
  isReadAccessOnly: boolean;

  @ApiProperty({ type: [String], enum: SURFACES })
  scopes: string[];

  @ApiProperty({ enum: ['enabled', 'disabled', 'disabledDueToUser', 'disabledDueToCompany'] })
  status: ReportedStatus;

  @ApiProperty({ description: 'The new API key, only in the answer that creates or rotates it; `""` ever after.' })
  parameters: string;

  @ApiProperty()
  identifierInProvider: string;

  @ApiProperty({ format: 'date-time' })
  creationDate: string;

  @ApiProperty({ type: [String], example: ['identities:read', 'vm:read'], description: 'Effective permissions, built-in and custom: the key\'s list narrowed to its user\'s role.' })
  permissions: string[];

  @ApiProperty({ description: `ISO 8601 date-time. ${NEVER_NULL}` })
  expirationDate: string;

  @ApiProperty({ type: [String], description: 'Addresses or CIDR ranges the key may be used from; empty for any.' })
  allowedIps: string[];

  @ApiProperty({ type: [String], description: 'Request-path prefixes the key is limited to; `=/path` for one exact path.' })
  pathPrefixes: string[];

  @ApiProperty()
  ownObjectsOnly: boolean;

  @ApiProperty({ description: 'The key\'s displayable start (`lk_` + 8 characters).' })
  keyPrefix: string;

  @ApiProperty({ description: `ISO 8601 date-time. ${NEVER_NULL}` })
  lastUsedAt: string;

  @ApiProperty({ description: NEVER_NULL })
  lastUsedFrom: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Requests per minute allowed for this key; 0 means no per-key limit.' })
  rateLimitPerMinute: number;
}
