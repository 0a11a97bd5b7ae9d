import { HttpException, HttpStatus } from '@nestjs/common';

export type Outcome = 'success' | 'mfa_required' | 'failure' | 'unverified' | 'throttled' | 'busy' | 'error';

const REFUSALS: Partial<Record<number, Outcome>> = {
  [HttpStatus.UNAUTHORIZED]: 'failure',
  [HttpStatus.FORBIDDEN]: 'unverified',
  [HttpStatus.TOO_MANY_REQUESTS]: 'throttled',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'busy',
};

/** A login step that answered: with tokens, or with an mfaToken when the second factor is still to come. */
export function answerOutcome(answer: object): Outcome {
  return 'mfaRequired' in answer ? 'mfa_required' : 'success';
}

/** How a refused request ended, read from the status it is answered with. */
export function refusalOutcome(error: unknown): Outcome {
  return (error instanceof HttpException && REFUSALS[error.getStatus()]) || 'error';
}

/** At the second step of a login a 403 is a wrong code: a failure, like a wrong password. */
export function secondFactorRefusalOutcome(error: unknown): Outcome {
  const outcome = refusalOutcome(error);
  return outcome === 'unverified' ? 'failure' : outcome;
}
