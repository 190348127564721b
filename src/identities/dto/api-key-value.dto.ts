import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength } from 'class-validator';

export class RevokeKeysDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  keys: string[];
}

export class KeyValueDto {
  @IsString()
  @MaxLength(256)
  key: string;
}
