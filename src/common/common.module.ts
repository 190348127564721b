import { Global, Module } from '@nestjs/common';
import { CredentialEvents } from './credential-events.js';
import { CredentialRelay } from './credential-relay.js';

@Global()
@Module({ providers: [CredentialEvents, CredentialRelay], exports: [CredentialEvents, CredentialRelay] })
export class CommonModule {}
