import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';

/** One match in a GitHub secret-scanning partner report. */
export class LeakedTokenDto {
  @ApiProperty({ maxLength: 256, description: 'The value the scanner matched.' })
  @IsString()
  @Length(1, 256)
  token: string;

  @ApiProperty({ maxLength: 128, example: 'latchkey_api_key', description: 'The secret type the provider registered.' })
  @IsString()
  @MaxLength(128)
  type: string;

  @ApiProperty({ maxLength: 2048, description: 'Where the value was found.' })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiProperty({ maxLength: 64, example: 'content', description: 'What kind of place it was found in (content, commit, issue, …).' })
  @IsString()
  @MaxLength(64)
  source: string;
}

/** The answer for one match: the token's SHA-256 (hex), its type, and whether it was a live key. */
export class LeakLabelDto {
  @ApiProperty({ description: 'SHA-256 of the token, hex.' })
  token_hash: string;

  @ApiProperty()
  token_type: string;

  @ApiProperty({ enum: ['true_positive', 'false_positive'] })
  label: 'true_positive' | 'false_positive';
}
