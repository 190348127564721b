import { createHash } from 'node:crypto';
import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Role } from '../access/roles.js';
import { Description } from '../common/input-rules.js';

/** A role preset, as CloudTower names the permissions a key carries: its user's role. */
@ObjectType('RolePreset', { description: "The key's user's role: a key acts as its user." })
export class RolePresetModel {
  @Field(() => ID, { description: 'Stable for the role: the same on every instance and every start.' })
  id: string;

  @Field(() => String, { description: 'The role name (VSPC `UserRole`).' })
  preset: string;
}

@ObjectType('ApiKey', { description: 'An API key identity of the caller.' })
export class ApiKeyModel {
  @Field(() => ID, { description: 'The identity id (`UserLogin.id` of the REST API).' })
  id: string;

  @Field(() => String, { description: "The key's description." })
  name: string;

  @Field(() => String, { nullable: true, description: 'The key itself: only in the answer of `createApiKey`, never again.' })
  key: string | null;

  @Field(() => String, { description: 'The first characters of the key, for recognising it.' })
  keyPrefix: string;

  @Field(() => [RolePresetModel])
  roles: RolePresetModel[];

  @Field(() => String, { description: 'enabled, disabled, or disabled through its user or company.' })
  status: string;

  @Field(() => Boolean)
  isReadAccessOnly: boolean;

  @Field(() => String, { description: 'ISO 8601.' })
  createdAt: string;

  @Field(() => String, { nullable: true, description: 'ISO 8601; null when never used.' })
  lastUsedAt: string | null;
}

@InputType('ApiKeyCreateInput')
export class ApiKeyCreateInput {
  @Field(() => String, { description: "The key's description: 1-128 characters without <, > or =." })
  @Description('name')
  name: string;
}

@InputType('ApiKeyWhereUniqueInput')
export class ApiKeyWhereUniqueInput {
  @Field(() => String, { description: 'The key itself.' })
  @IsString()
  @MaxLength(256)
  key: string;
}

@InputType('ApiKeyPage')
export class ApiKeyPageInput {
  @Field(() => Int, { defaultValue: 100, description: '1-500.' })
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;

  @Field(() => Int, { defaultValue: 0 })
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  offset: number = 0;
}

/** A name-based UUID (RFC 9562 version 5 layout) for a role: stable without storing anything. */
export function roleId(role: Role): string {
  const hash = createHash('sha1').update('latchkey:role:').update(role).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
