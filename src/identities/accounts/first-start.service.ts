import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CompaniesService } from '../../companies/companies.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { DatabaseScope } from '../../database/database-scope.js';
import { UsersService } from '../../users/users.service.js';
import { PasswordCredentials } from '../password-credentials.js';

/**
 * First start: the provider organization and, while no user exists, the Portal Administrator
 * from ADMIN_USERNAME/ADMIN_PASSWORD, or with a generated password printed once.
 */
@Injectable()
export class FirstStartService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstStart');

  constructor(
    private readonly scope: DatabaseScope,
    private readonly companies: CompaniesService,
    private readonly users: UsersService,
    private readonly passwords: PasswordCredentials,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scope.run(async () => {
      const provider = await this.companies.ensureProvider();
      if ((await this.users.count()) > 0) return;
      const login = this.config.adminUsername ?? 'admin';
      const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
      const admin = this.users.addFirstAdministrator(provider, login);
      await this.passwords.add(admin, password);
      try {
        await this.users.save();
      } catch {
        return; // another instance created the administrator first
      }
      this.logger.log(`created Portal Administrator "${login}"`);
      if (!this.config.adminPassword) {
        // Printed once, to the console only, so the operator can log in the first time.
        process.stdout.write(`\nLatchkey first start: Portal Administrator "${login}" password: ${password}\n\n`);
      }
    });
  }
}
