import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';

export class RotateDto {
  /** How long the old key keeps working; 0 (default) revokes it at once. At most 30 days. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 30 * 86400, default: 0, description: 'How long the old key keeps working.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30 * 86400)
  gracePeriodSeconds?: number;
}
