import { AuditService } from '../../src/audit/audit.service';

export type AuditStub = { record: jest.Mock<Promise<void>, Parameters<AuditService['record']>> };

/** An AuditService that only remembers what it was asked to record. */
export function createAuditStub(): AuditStub {
  return { record: jest.fn<Promise<void>, Parameters<AuditService['record']>>(() => Promise.resolve()) };
}
