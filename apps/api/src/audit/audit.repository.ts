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

  /** At most `limit` entries, newest first, older than `beforeId` when given. */
  page(limit: number, beforeId?: number): Promise<AuditLogEntity[]> {
    const qb = this.repo.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(limit);
    if (beforeId) qb.where('a.id < :beforeId', { beforeId });
    return qb.getMany();
  }
}
