import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { api, bearer } from './http';

export interface AuditEventBody {
  id: string;
  type: string;
  userId: string | null;
  actorId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, string | string[]> | null;
  createdAt: string;
}

export interface AuditPage {
  items: AuditEventBody[];
  total: number;
  page: number;
  limit: number;
}

/** GET /admin/audit with these query parameters, as this (admin) access token. */
export function getAudit(
  app: NestFastifyApplication,
  accessToken: string,
  query: Record<string, string | number> = {},
) {
  return api(app).get('/api/v1/admin/audit').query(query).set(bearer(accessToken));
}

/** The audit page for this query; fails unless the answer is 200. */
export async function auditPage(
  app: NestFastifyApplication,
  adminAccessToken: string,
  query: Record<string, string | number> = {},
): Promise<AuditPage> {
  const response = await getAudit(app, adminAccessToken, { limit: 100, ...query }).expect(200);
  return response.body as AuditPage;
}
