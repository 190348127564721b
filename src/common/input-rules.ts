import { applyDecorators } from '@nestjs/common';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';

/**
 * The input rules shared by DTOs and configuration, each written once. VSPC refuses <, > and = in
 * free text; Latchkey follows it for descriptions and names.
 */
export const PLAIN_TEXT = /^[^<>=]*$/;
export const LOGIN_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
/** The longest address SMTP can deliver to (RFC 5321). */
const EMAIL_MAX_LENGTH = 254;

/** Text of `min`-`max` characters without <, > or = (names, descriptions, a postal address). */
export function PlainText(property: string, min = 0, max = 128): PropertyDecorator {
  return applyDecorators(
    IsString({ message: `${property} must be text of ${min}-${max} characters` }),
    Length(min, max, { message: `${property} must be ${min}-${max} characters` }),
    Matches(PLAIN_TEXT, { message: `${property} must not contain <, > or =` }),
  );
}

/** A description: 1-128 characters without <, > or = (VSPC). */
export const Description = (property = 'description'): PropertyDecorator => PlainText(property, 1);

export function LoginName(property = 'userName'): PropertyDecorator {
  return applyDecorators(IsString({ message: `${property} must be text` }), Matches(LOGIN_PATTERN, { message: `${property} must be 1-64 of letters, digits and ._@-` }));
}

/**
 * VSPC's `UserProfile.email` pattern, as published (its `\1` relies on ECMAScript's empty match
 * of an unset group). An address Latchkey stores must match it, or VSPC clients that check
 * patterns would refuse the answer; it limits the top-level domain to 2-6 letters.
 */
export const VSPC_EMAIL_PATTERN = /^(")?(?:[^\."])(?:(?:[\.])?(?:[\w\-!#$%&'*+\/=?\^_`{|}~]))*\1@(\w[\-\w]*\.){1,5}([A-Za-z]){2,6}$/;

/** An e-mail address, as a mail system and VSPC's pattern both accept it. */
export function EmailAddress(property = 'email'): PropertyDecorator {
  return applyDecorators(
    IsString({ message: `${property} must be an e-mail address` }),
    MaxLength(EMAIL_MAX_LENGTH, { message: `${property} must be at most ${EMAIL_MAX_LENGTH} characters` }),
    IsEmail({}, { message: `${property} must be an e-mail address` }),
    Matches(VSPC_EMAIL_PATTERN, { message: `${property} must be an e-mail address whose domain ends in 2-6 letters` }),
  );
}

export function Password(property = 'password'): PropertyDecorator {
  return applyDecorators(IsString({ message: `${property} must be 8-256 characters` }), Length(8, 256, { message: `${property} must be 8-256 characters` }));
}
