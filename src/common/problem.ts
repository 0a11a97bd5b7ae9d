import { STATUS_CODES } from 'node:http';

export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem document, the body of every error this service sends. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(status: number, detail?: string, errors?: FieldProblem[]): Problem {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    ...(detail !== undefined && { detail }),
    ...(errors !== undefined && { errors }),
  };
}
