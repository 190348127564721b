import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PLAIN_TEXT, PlainText } from '../../common/input-rules.js';
import { MAX_URL_LENGTH } from '../delivery/target-policy.js';
import { EVENT_TYPES, type EventType } from '../events/event-types.js';

/** A new webhook. The URL's host rules (WEBHOOK_ALLOWED_HOSTS, no private targets) are checked by `urlProblem`. */
export class CreateWebhookDto {
  @ApiProperty({ maxLength: MAX_URL_LENGTH, example: 'https://hooks.example.com/latchkey', description: 'http or https; no credentials in the URL.' })
  @IsString()
  @MaxLength(MAX_URL_LENGTH)
  @Matches(/^https?:\/\//i, { message: 'url must be an http or https URL' })
  url: string;

  @ApiProperty({ enum: EVENT_TYPES, isArray: true, minItems: 1, maxItems: EVENT_TYPES.length })
  @IsArray()
  @ArrayMinSize(1, { message: 'events must name at least one event' })
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique({ message: 'events must not repeat an event' })
  @IsIn(EVENT_TYPES, { each: true, message: `each event must be one of ${EVENT_TYPES.join(', ')}` })
  events: EventType[];

  @ApiPropertyOptional({ maxLength: 128, pattern: PLAIN_TEXT.source, default: '' })
  @IsOptional()
  @PlainText('description')
  description?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** The writable properties of a webhook after a JSON Patch: every one present. */
export class UpdateWebhookDto extends PickType(CreateWebhookDto, ['url', 'events']) {
  @PlainText('description')
  description: string;

  @IsBoolean({ message: 'enabled must be true or false' })
  enabled: boolean;
}
