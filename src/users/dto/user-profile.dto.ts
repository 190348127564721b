import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, ValidateIf } from 'class-validator';
import { EmailAddress, PLAIN_TEXT, PlainText, VSPC_EMAIL_PATTERN } from '../../common/input-rules.js';
import { USER_TITLES, type UserTitle } from '../user.entity.js';

/** VSPC's `UserProfile`, as given to `POST /users` and as a patch leaves it; null (or absent) clears a field. */
@ApiSchema({ name: 'UserProfile' })
export class UserProfileDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 128, pattern: PLAIN_TEXT.source })
  @IsOptional()
  @PlainText('profile.firstName')
  firstName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 128, pattern: PLAIN_TEXT.source })
  @IsOptional()
  @PlainText('profile.lastName')
  lastName?: string | null;

  @ApiPropertyOptional({ enum: USER_TITLES, default: 'Unknown' })
  // Absent means Unknown; null is no title VSPC knows.
  @ValidateIf((_, value) => value !== undefined)
  @IsIn(USER_TITLES, { message: `profile.title must be one of ${USER_TITLES.join(', ')}` })
  title?: UserTitle;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'email', maxLength: 254, pattern: VSPC_EMAIL_PATTERN.source })
  @IsOptional()
  @EmailAddress('profile.email')
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 512, pattern: PLAIN_TEXT.source, description: 'One free-text postal address.' })
  @IsOptional()
  @PlainText('profile.address', 0, 512)
  address?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, pattern: PLAIN_TEXT.source })
  @IsOptional()
  @PlainText('profile.phone', 0, 64)
  phone?: string | null;
}
