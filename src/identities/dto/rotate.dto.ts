import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RotateDto {
  /** How long the old key keeps working; 0 (default) revokes it at once. At most 30 days. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30 * 86400)
  gracePeriodSeconds?: number;
}
