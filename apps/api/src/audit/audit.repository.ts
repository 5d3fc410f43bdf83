import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditLogEntity } from './audit-log.entity';

/** The audit log's storage: appends, and pages newest first. */
@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditLogEntity) private readonly repo: Repository<AuditLogEntity>) {}

  async append(row: Omit<AuditLogEntity, 'id'>): Promise<void> {
    await this.repo.insert(row);
  }

  /**
   * At most `limit` entries, newest first, older than `beforeId` when given; only those of `organizationId`'s members
   * when it is given.
   */
  page(limit: number, beforeId?: number, organizationId?: number): Promise<AuditLogEntity[]> {
    const qb = this.repo.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(limit);
    if (beforeId) qb.andWhere('a.id < :beforeId', { beforeId });
    if (organizationId !== undefined) qb.andWhere('a.organization_id = :organizationId', { organizationId });
    return qb.getMany();
  }
}
