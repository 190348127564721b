import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AboutView } from '../about.service.js';

const NO_AGENTS = 'Latchkey manages no Veeam agents: always null.';

/** The documented shape of `AboutView`: VSPC's `About`, the fields Latchkey can fill. */
@ApiSchema({ name: 'About' })
export class AboutViewDto implements AboutView {
  @ApiProperty({ format: 'uuid', description: 'Made at the first start and kept.' })
  installationId: string;

  @ApiProperty({ format: 'date-time', description: 'The first start.' })
  installationDate: string;

  @ApiProperty({ example: '0.1.0', description: "Latchkey's version." })
  serverVersion: string;

  @ApiProperty({ type: String, nullable: true, enum: [null], description: NO_AGENTS })
  actualVawVersion: null;

  @ApiProperty({ type: String, nullable: true, enum: [null], description: NO_AGENTS })
  actualValVersion: null;

  @ApiProperty({ type: String, nullable: true, enum: [null], description: NO_AGENTS })
  actualVamVersion: null;
}
