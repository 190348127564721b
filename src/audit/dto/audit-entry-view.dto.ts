import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AuditView } from '../audit.service.js';

/** The documented shape of `AuditView`. */
@ApiSchema({ name: 'AuditEntry' })
export class AuditEntryViewDto implements AuditView {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ example: 'identity.created' })
  action: string;

  @ApiProperty({ enum: ['success', 'failure'] })
  outcome: string;

  @ApiProperty()
  actorUserUid: string;

  @ApiProperty()
  actorName: string;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The API key used, or null for a session.' })
  identityId: number | null;

  @ApiProperty()
  targetType: string;

  @ApiProperty()
  targetId: string;

  @ApiProperty()
  companyUid: string;

  @ApiProperty()
  fromAddress: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Names credentials, never their values.' })
  details: Record<string, unknown>;
}
