import { PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, ValidateNested } from 'class-validator';
import { USER_STATUSES, type UserStatus } from '../user.entity.js';
import { CreateUserDto, CredentialsDto } from './create-user.dto.js';
import { UserProfileDto } from './user-profile.dto.js';

/** The one credential a patch may write: `/credentials/password`. */
class UpdateCredentialsDto extends PickType(CredentialsDto, ['password']) {}

/**
 * The writable properties of a user after a JSON Patch, by the rules of creation, nested as the
 * user answers (`/profile/firstName`, `/credentials/password`). Not a PartialType: a patched view
 * still has every property. `credentials.password` is null in the view: unchanged.
 */
export class UpdateUserDto extends PickType(CreateUserDto, ['role']) {
  @IsIn(USER_STATUSES, { message: `status must be one of ${USER_STATUSES.join(', ')}` })
  status: UserStatus;

  @ValidateNested()
  @Type(() => UserProfileDto)
  profile: UserProfileDto;

  @ValidateNested()
  @Type(() => UpdateCredentialsDto)
  credentials: UpdateCredentialsDto;
}
