import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { COMPANY_STATUSES, type CompanyStatus } from '../company.entity.js';
import type { CompanyView, ProviderView } from '../company.mapper.js';

/** The documented shape of `CompanyView`: VSPC's `Company` where Latchkey has the field, plus Latchkey's. */
@ApiSchema({ name: 'Company' })
export class CompanyViewDto implements CompanyView {
  @ApiProperty({ format: 'uuid' })
  instanceUid: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: COMPANY_STATUSES })
  status: CompanyStatus;

  @ApiProperty({ description: "Latchkey: the portal's own organization." })
  isProvider: boolean;

  @ApiProperty({ format: 'date-time', description: 'Latchkey: when the company was created.' })
  creationDate: string;
}

/** The documented shape of `ProviderView`: VSPC's `Provider` plus the provider's name. */
@ApiSchema({ name: 'Provider' })
export class ProviderViewDto implements ProviderView {
  @ApiProperty({ format: 'uuid', description: 'The organizationUid of provider-side users.' })
  instanceUid: string;

  @ApiProperty()
  name: string;
}
