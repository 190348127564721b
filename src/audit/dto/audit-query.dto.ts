import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination.dto.js';

export class AuditQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]+(\.[a-zA-Z]+)+$/, { message: 'action must look like identity.created' })
  action?: string;

  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: 'success' | 'failure';

  @IsOptional()
  @IsUUID()
  userUid?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  identityId?: number;

  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}
