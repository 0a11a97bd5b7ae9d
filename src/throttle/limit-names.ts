import { AttemptKey } from './attempt-store';
import { ROUTE_LIMITS, RouteLimit } from './limits';

/**
 * The limit a set of attempt keys belongs to, for metrics: the kind of its first key without the counter's scope
 * (`login-pair:…` → `login`, `password-check:…` → `password-check`), so no address or account reaches a label.
 */
export function attemptLimitName(keys: AttemptKey[]): string {
  const id = keys[0]?.id ?? '';
  return id.slice(0, id.indexOf(':')).replace(/-(pair|client|account|session)$/, '') || 'unknown';
}

/** The name of a route limit in ROUTE_LIMITS (`register`, `refresh`, …). */
export function routeLimitName(routeLimit: RouteLimit): string {
  return Object.entries(ROUTE_LIMITS).find(([, limit]) => limit === routeLimit)?.[0] ?? 'route';
}
