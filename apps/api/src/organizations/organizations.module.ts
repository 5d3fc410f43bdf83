import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SitesModule } from '../sites/sites.module';
import { UsersModule } from '../users/users.module';
import { OrganizationEntity } from './organization.entity';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { DEFAULT_ORGANIZATION_ID } from './organization.entity';
export { OrganizationsService } from './organizations.service';

/** Operator companies and what they own (docs/architecture.md, "Organisations and scope"). */
@Module({
  imports: [TypeOrmModule.forFeature([OrganizationEntity]), SitesModule, UsersModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
