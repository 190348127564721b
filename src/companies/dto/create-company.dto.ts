import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { COMPANY_STATUSES, type CompanyStatus } from '../company.entity.js';

export class CreateCompanyDto {
  @IsString()
  @Length(1, 128)
  @Matches(/^[^<>=]*$/, { message: 'name must not contain <, > or =' })
  name: string;

  @IsOptional()
  @IsIn(COMPANY_STATUSES)
  status?: CompanyStatus;
}
