import { PickType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { EmailAddress, PlainText } from '../../common/input-rules.js';
import { USER_STATUSES, type UserStatus } from '../user.entity.js';
import { CreateUserDto } from './create-user.dto.js';

/**
 * The writable properties of a user after a JSON Patch, by the rules of creation. Not a
 * PartialType: a patched view still has every property, so what creation may omit (names, e-mail,
 * status) is required here. `password` is "" in the view: unchanged.
 */
export class UpdateUserDto extends PickType(CreateUserDto, ['role', 'password']) {
  @PlainText('firstName')
  firstName: string;

  @PlainText('lastName')
  lastName: string;

  @EmailAddress()
  email: string;

  @IsIn(USER_STATUSES, { message: 'status must be enabled or disabled.' })
  status: UserStatus;
}
