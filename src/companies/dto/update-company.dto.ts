import { PickType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { COMPANY_STATUSES, type CompanyStatus } from '../company.entity.js';
import { CreateCompanyDto } from './create-company.dto.js';

/**
 * The writable properties of a company after a JSON Patch. Not a PartialType: a patched view
 * still has every property, so what creation may omit (status) is required here.
 */
export class UpdateCompanyDto extends PickType(CreateCompanyDto, ['name']) {
  @IsIn(COMPANY_STATUSES, { message: `status must be one of ${COMPANY_STATUSES.join(', ')}` })
  status: CompanyStatus;
}
