import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger';
import { PROBLEM_DESCRIPTIONS } from './api-problems.decorator';

const PROBLEM_TYPE = 'application/problem+json';
const PROBLEM_REF = '#/components/schemas/ProblemDto';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * What holds for every route, written into the document once rather than onto each handler: the problem+json
 * media type of errors, the 400 for unknown query parameters (RejectUnknownQueryGuard), 413/415 wherever a body
 * is read, the headers of 401/429/503, uuid path ids, and `security: []` on public routes so that tools do not
 * read a missing `security` as "unknown".
 */
export function applyOpenApiConventions(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) {
        applyToOperation(operation);
      }
    }
  }
  return document;
}

function applyToOperation(operation: OperationObject): void {
  operation.security ??= [];
  const responses = operation.responses as Record<string, ResponseObject>;
  addProblem(responses, 400);
  if (operation.requestBody) {
    addProblem(responses, 413);
    addProblem(responses, 415);
  }
  for (const [status, response] of Object.entries(responses)) {
    // The Swagger plugin fills a success response's description from the doc comment when it runs over the sources,
    // and not when it runs inside `nest build`: the rule makes the two documents the same.
    if (status.startsWith('2') && !response.description) {
      response.description = operation.description ?? operation.summary ?? '';
    }
    const json = response.content?.['application/json'];
    if (json?.schema && '$ref' in json.schema && json.schema.$ref === PROBLEM_REF) {
      response.content = { [PROBLEM_TYPE]: json };
    }
  }
  if (responses['401'] && operation.security.length > 0) {
    responses['401'].headers = {
      'WWW-Authenticate': { description: 'The bearer challenge (RFC 6750).', schema: { type: 'string' } },
    };
  }
  for (const status of ['429', '503']) {
    if (responses[status]?.content?.[PROBLEM_TYPE]) {
      responses[status].headers = {
        'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
      };
    }
  }
  for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
    if (parameter.in === 'path' && parameter.name === 'id') {
      parameter.schema = { type: 'string', format: 'uuid' };
    }
  }
}

function addProblem(responses: Record<string, ResponseObject>, status: number): void {
  responses[status] ??= {
    description: PROBLEM_DESCRIPTIONS[status],
    content: { [PROBLEM_TYPE]: { schema: { $ref: PROBLEM_REF } } },
  };
}
