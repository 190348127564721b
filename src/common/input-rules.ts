import { applyDecorators } from '@nestjs/common';
import { IsEmail, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';

/**
 * The input rules shared by DTOs and configuration, each written once. VSPC refuses <, > and = in
 * free text; Latchkey follows it for descriptions and names.
 */
export const PLAIN_TEXT = /^[^<>=]*$/;
export const LOGIN_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
/** An `X-Request-id` a client may choose: short, plain characters (a UUID fits; so do proxies' hex ids). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** The longest address SMTP can deliver to (RFC 5321). */
const EMAIL_MAX_LENGTH = 254;

/** Text of `min`-128 characters without <, > or = (names, descriptions). */
export function PlainText(property: string, min = 0): PropertyDecorator {
  return applyDecorators(
    IsString({ message: `${property} must be text of ${min}-128 characters` }),
    Length(min, 128, { message: `${property} must be ${min}-128 characters` }),
    Matches(PLAIN_TEXT, { message: `${property} must not contain <, > or =` }),
  );
}

/** A description: 1-128 characters without <, > or = (VSPC). */
export const Description = (property = 'description'): PropertyDecorator => PlainText(property, 1);

export function LoginName(): PropertyDecorator {
  return applyDecorators(IsString(), Matches(LOGIN_PATTERN, { message: 'login must be 1-64 of letters, digits and ._@-' }));
}

/** An e-mail address, or "" for none (the stored default). */
export function EmailAddress(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_, value) => value !== ''),
    IsEmail({}, { message: 'email must be an e-mail address' }),
    MaxLength(EMAIL_MAX_LENGTH),
  );
}

export function Password(): PropertyDecorator {
  return applyDecorators(IsString({ message: 'password must be 8-256 characters' }), Length(8, 256, { message: 'password must be 8-256 characters' }));
}
