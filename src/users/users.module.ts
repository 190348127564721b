import { MikroOrmModule } from '@mikro-orm/nestjs';
import { forwardRef, Module } from '@nestjs/common';
import { CompaniesModule } from '../companies/companies.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { FirstStartService } from './first-start.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [MikroOrmModule.forFeature([User]), CompaniesModule, forwardRef(() => IdentitiesModule)],
  controllers: [UsersController],
  providers: [UsersService, FirstStartService],
  exports: [UsersService],
})
export class UsersModule {}
