import { readFileSync } from 'node:fs';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DatabaseScope } from '../database/database-scope.js';
import { AboutRepository } from './about.repository.js';
import type { Installation } from './installation.entity.js';

/** VSPC's `About`, with what Latchkey knows; it manages no backup agents, so their versions are null. */
export interface AboutView {
  installationId: string;
  installationDate: string;
  serverVersion: string;
  actualVawVersion: null;
  actualValVersion: null;
  actualVamVersion: null;
}

/** `package.json` at the project root, from both `src/about` and `dist/about`. */
const SERVER_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

@Injectable()
export class AboutService implements OnApplicationBootstrap {
  constructor(
    private readonly scope: DatabaseScope,
    private readonly installation: AboutRepository,
  ) {}

  /** The installation id and date are made at the first start and kept. */
  async onApplicationBootstrap(): Promise<void> {
    await this.scope.run(() => this.installation.ensure());
  }

  async about(): Promise<AboutView> {
    const row: Installation = (await this.installation.find()) ?? (await this.installation.ensure());
    return {
      installationId: row.installationId,
      installationDate: row.installationDate.toISOString(),
      serverVersion: SERVER_VERSION,
      actualVawVersion: null,
      actualValVersion: null,
      actualVamVersion: null,
    };
  }
}
