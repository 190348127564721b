import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';

export class RevokeKeysDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: 1000, description: 'Key values; unknown or malformed ones are ignored.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  keys: string[];
}

export class KeyValueDto {
  @ApiProperty({ maxLength: 256, description: 'The key value.' })
  @IsString()
  @MaxLength(256)
  key: string;
}
