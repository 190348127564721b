import { IntersectionType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IDENTITY_STATUSES, type IdentityStatus } from '../identity.entity.js';
import { ApiKeyPolicyDto } from './api-key-policy.dto.js';

class IdentityStatusDto {
  @IsIn(IDENTITY_STATUSES, { message: 'status may only be set to enabled or disabled.' })
  status: IdentityStatus;
}

/**
 * The writable properties of an identity after a JSON Patch: a key's policy by the rules of its
 * creation, and its status. Password and second-factor identities may change description and status only.
 */
export class UpdateIdentityDto extends IntersectionType(ApiKeyPolicyDto, IdentityStatusDto) {}
