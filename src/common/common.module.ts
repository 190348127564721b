import { Global, Module } from '@nestjs/common';
import { CredentialEvents } from './credential-events.js';

@Global()
@Module({ providers: [CredentialEvents], exports: [CredentialEvents] })
export class CommonModule {}
