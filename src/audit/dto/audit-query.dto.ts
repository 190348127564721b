import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination.dto.js';
import { ApiPropertyOptional } from '@nestjs/swagger';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'identity.created' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]+(\.[a-zA-Z]+)+$/, { message: 'action must look like identity.created' })
  action?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure'] })
  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: 'success' | 'failure';

  @ApiPropertyOptional({ format: 'uuid', description: 'Entries whose actor is this user.' })
  @IsOptional()
  @IsUUID()
  userUid?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Entries made with this API key.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  identityId?: number;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}
