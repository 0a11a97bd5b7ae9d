import { loginKeys } from '../auth/throttle/login-throttle';
import { attemptLimitName, routeLimitName } from './limit-names';
import { ROUTE_LIMITS } from './limits';

describe('limit names', () => {
  it('should name a login by its kind, whichever keys it counts on', () => {
    expect(attemptLimitName(loginKeys('ada@example.org', '203.0.113.7', true))).toBe('login');
    expect(attemptLimitName(loginKeys('ada@example.org', '203.0.113.7', false))).toBe('login');
  });

  it.each([
    ['mfa-pair:203.0.113.7|4f1c', 'mfa'],
    ['password-check:4f1c', 'password-check'],
    ['password-check-session:9e2a', 'password-check'],
  ])('should name the keys of %p %p, without the address or account', (id, name) => {
    expect(attemptLimitName([{ id, freeAttempts: 5 }])).toBe(name);
  });

  it('should name each route limit by its key in ROUTE_LIMITS', () => {
    expect(routeLimitName(ROUTE_LIMITS.register)).toBe('register');
    expect(routeLimitName(ROUTE_LIMITS.passwordForgot)).toBe('passwordForgot');
  });

  it('should tell apart route limits with the same numbers', () => {
    expect(ROUTE_LIMITS.register).toEqual(ROUTE_LIMITS.emailResend);
    expect(routeLimitName(ROUTE_LIMITS.emailResend)).toBe('emailResend');
  });
});
