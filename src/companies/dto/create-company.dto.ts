import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { COMPANY_STATUSES, type CompanyStatus } from '../company.entity.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CreateCompanyDto {
  @ApiProperty({ minLength: 1, maxLength: 128, pattern: '^[^<>=]*$' })
  @IsString()
  @Length(1, 128)
  @Matches(/^[^<>=]*$/, { message: 'name must not contain <, > or =' })
  name: string;

  @ApiPropertyOptional({ enum: COMPANY_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(COMPANY_STATUSES)
  status?: CompanyStatus;
}
