import { randomBytes, randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/core';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CompaniesService } from '../companies/companies.service.js';
import { PasswordCredentials } from '../identities/password-credentials.js';
import { User } from './user.entity.js';

/**
 * First start: the provider organization and, while no user exists, the Portal Administrator
 * from ADMIN_USERNAME/ADMIN_PASSWORD, or with a generated password printed once.
 */
@Injectable()
export class FirstStartService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstStart');

  constructor(
    private readonly em: EntityManager,
    private readonly companies: CompaniesService,
    private readonly passwords: PasswordCredentials,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const em = this.em.fork();
    const provider = await this.companies.ensureProvider(em);
    if ((await em.count(User, {})) > 0) return;
    const login = this.config.adminUsername ?? 'admin';
    const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
    const admin = em.create(User, {
      instanceUid: randomUUID(),
      login,
      company: provider,
      role: 'portalAdministrator',
      status: 'enabled',
      isService: false,
      firstName: '',
      lastName: '',
      email: '',
      createdBy: null,
      creationDate: new Date(),
      sessionsValidAfter: null,
    });
    await this.passwords.add(admin, password, em);
    try {
      await em.flush();
    } catch {
      return; // another instance created the administrator first
    }
    this.logger.log(`created Portal Administrator "${login}"`);
    if (!this.config.adminPassword) {
      // Printed once, to the console only, so the operator can log in the first time.
      process.stdout.write(`\nLatchkey first start: Portal Administrator "${login}" password: ${password}\n\n`);
    }
  }
}
