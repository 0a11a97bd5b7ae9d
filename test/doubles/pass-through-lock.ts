import { DatabaseLock, LockName } from '../../src/database/database-lock';

/** A DatabaseLock for unit tests: one process, nothing to wait for. */
export const passThroughLock = {
  withLock: <T>(_name: LockName, work: () => Promise<T>): Promise<T> => work(),
} as DatabaseLock;
