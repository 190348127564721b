import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { COMPANY_STATUSES, type CompanyStatus } from '../company.entity.js';
import type { CompanyView } from '../company.mapper.js';

/** The documented shape of `CompanyView`. */
@ApiSchema({ name: 'Company' })
export class CompanyViewDto implements CompanyView {
  @ApiProperty({ format: 'uuid' })
  instanceUid: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: COMPANY_STATUSES })
  status: CompanyStatus;

  @ApiProperty({ description: 'The portal\'s own organization.' })
  isProvider: boolean;

  @ApiProperty({ format: 'date-time' })
  creationDate: string;
}
