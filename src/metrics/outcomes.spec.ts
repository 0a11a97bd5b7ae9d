import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { ServiceBusyException } from '../common/http/service-busy.exception';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { TypedProblemException } from '../common/http/typed-problem.exception';
import { answerOutcome, refusalOutcome, secondFactorRefusalOutcome } from './outcomes';

describe('outcomes', () => {
  it('should tell a session from the two-factor step by the answer', () => {
    expect(answerOutcome({ accessToken: 'a', refreshToken: 'r' })).toBe('success');
    expect(answerOutcome({ mfaRequired: true, mfaToken: 'm', expiresIn: 300 })).toBe('mfa_required');
  });

  it.each([
    ['a 401', new UnauthorizedException(), 'failure'],
    ['a 403 (email not verified)', new TypedProblemException('email-not-verified', 403, 'verify'), 'unverified'],
    ['a plain 403', new ForbiddenException(), 'unverified'],
    ['a 429', new TooManyRequestsException(4), 'throttled'],
    ['a 503 (hash queue full)', new ServiceBusyException(1), 'busy'],
    ['an unknown error', new Error('boom'), 'error'],
  ])('should read %s as %p', (_label, error, outcome) => {
    expect(refusalOutcome(error)).toBe(outcome);
  });

  it('should read a wrong second-factor code (403) as a failure, like a wrong password', () => {
    expect(secondFactorRefusalOutcome(new ForbiddenException())).toBe('failure');
    expect(secondFactorRefusalOutcome(new UnauthorizedException())).toBe('failure');
    expect(secondFactorRefusalOutcome(new TooManyRequestsException(4))).toBe('throttled');
  });
});
