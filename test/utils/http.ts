import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Agent, STATUS_CODES } from 'node:http';
import request, { Response } from 'supertest';

/** A supertest client for the app's real HTTP server. */
export function api(app: NestFastifyApplication): ReturnType<typeof request> {
  return request(app.getHttpServer());
}

const agentsByAddress = new Map<string, Agent>();

/**
 * An HTTP agent whose connections leave from this loopback address (127.0.0.x), so that the app sees distinct
 * clients: `api(app).post(path).agent(fromAddress('127.0.0.7'))`.
 */
export function fromAddress(localAddress: string): Agent {
  let agent = agentsByAddress.get(localAddress);
  if (!agent) {
    agent = new Agent({ localAddress });
    agentsByAddress.set(localAddress, agent);
  }
  return agent;
}

/** The Authorization header of a Bearer access token. */
export function bearer(accessToken: string): { Authorization: string } {
  return { Authorization: `Bearer ${accessToken}` };
}

// Traces of a stack, a source file or a library that must never reach a client.
const LEAKS = /\n\s+at |node_modules|\.[jt]s:\d+|FST_ERR|SQLITE|QueryFailedError|TypeORM|class-validator|Error: /i;

/** Asserts an RFC 9457 problem of this status with nothing internal in it, and returns its body. */
export function expectProblem(response: Response, status: number, type = 'about:blank'): Record<string, unknown> {
  expect({ status: response.status, contentType: response.headers['content-type'] }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json\b/),
  });
  const body = JSON.parse(response.text) as Record<string, unknown>;
  expect(body).toMatchObject({ type, title: STATUS_CODES[status], status });
  expect(Object.keys(body).every((key) => ['type', 'title', 'status', 'detail', 'errors'].includes(key))).toBe(true);
  expect(response.text).not.toMatch(LEAKS);
  return body;
}

/** Asserts a 400 problem that names these fields in `errors`, each with a message. */
export function expectFieldErrors(response: Response, fields: string[]): void {
  const body = expectProblem(response, 400);
  const errors = body.errors as { field: string; message: string }[];
  expect(errors).toEqual(expect.arrayContaining(fields.map((field) => ({ field, message: expect.any(String) }))));
  expect([...new Set(errors.map((error) => error.field))].sort()).toEqual([...fields].sort());
}
