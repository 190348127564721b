import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PLAIN_TEXT, PlainText } from '../../common/input-rules.js';
import { COMPANY_STATUSES, type CompanyStatus } from '../company.entity.js';

export class CreateCompanyDto {
  @ApiProperty({ minLength: 1, maxLength: 128, pattern: PLAIN_TEXT.source })
  @PlainText('name', 1)
  name: string;

  @ApiPropertyOptional({ enum: COMPANY_STATUSES, default: 'Active' })
  @IsOptional()
  @IsIn(COMPANY_STATUSES, { message: `status must be one of ${COMPANY_STATUSES.join(', ')}` })
  status?: CompanyStatus;
}
