import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

export class IntrospectionRequestDto {
  @ApiProperty({ description: 'An API key or an access token.' })
  token: string;
}

@ApiSchema({ name: 'Introspection', description: 'RFC 7662 answer (not the envelope). An inactive credential gets `{ "active": false }` only.' })
export class IntrospectionDto {
  @ApiProperty()
  active: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'The user the credential acts as.' })
  sub?: string;

  @ApiPropertyOptional()
  username?: string;

  @ApiPropertyOptional({ enum: ['api_key', 'access_token'] })
  token_type?: string;

  @ApiPropertyOptional({ example: 'integration rest', description: 'Surfaces, space-separated.' })
  scope?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Expiry, seconds since the epoch; absent for keys that never expire.' })
  exp?: number;

  @ApiPropertyOptional({ type: 'integer' })
  identity_id?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  company_id?: string;

  @ApiPropertyOptional()
  company_name?: string;

  @ApiPropertyOptional()
  role?: string;

  @ApiPropertyOptional({ type: [String], example: ['vm:read'], description: 'Effective permissions, built-in and custom.' })
  permissions?: string[];

  @ApiPropertyOptional()
  read_only?: boolean;

  @ApiPropertyOptional({ type: [String] })
  path_prefixes?: string[];

  @ApiPropertyOptional()
  own_objects_only?: boolean;

  @ApiPropertyOptional()
  allowed_ips_restricted?: boolean;
}
