import { Injectable, OnModuleInit } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ConcurrencyLimit, QueueFullError } from '../common/concurrency-limit';
import { ServiceBusyException } from '../common/http/service-busy.exception';
import { AppConfig } from '../config/app-config';
import { HASH_QUEUE_RETRY_AFTER_SECONDS } from '../throttle/limits';
import { normalise } from './password-policy';

// `Algorithm` is an ambient const enum, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/** OWASP's argon2id baseline: 19 MiB of memory, 2 passes, 1 lane. */
export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** The outcome of checking a password; `needsRehash` when the stored hash should be replaced by `hash(password)`. */
export interface PasswordCheck {
  matches: boolean;
  needsRehash: boolean;
}

/**
 * Hashes run on libuv's thread pool. Unbounded, a login storm puts as many 19 MiB hashes in flight as there are
 * pool threads, all competing with the event loop for the same cores; the limit queues the rest instead. The queue
 * is bounded (capacity, not a rate limit, so it holds with RATE_LIMIT_ENABLED=false): beyond it the answer is a 503
 * with Retry-After at once, never an unbounded wait.
 */
@Injectable()
export class PasswordsService implements OnModuleInit {
  private dummyHash: string;
  private readonly hashing: ConcurrencyLimit;

  constructor(config: AppConfig) {
    this.hashing = new ConcurrencyLimit(config.passwordHashConcurrency, config.passwordHashQueue);
  }

  /** Hashes running or waiting for a worker. */
  get queueDepth(): number {
    return this.hashing.active + this.hashing.queued;
  }

  /** Prepares a real hash to verify against when an email is unknown, so the timing tells nothing. */
  async onModuleInit(): Promise<void> {
    this.dummyHash = await hash('not a password anyone has', ARGON2_OPTIONS);
  }

  /** Hashes the NFKC form, so every way of typing the same characters matches. */
  hash(password: string): Promise<string> {
    return this.queued(() => hash(normalise(password), ARGON2_OPTIONS));
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    return (await this.check(passwordHash, password)).matches;
  }

  /**
   * Verifies the NFKC form, then the password as typed: hashes stored before normalisation were made from the raw
   * string. The second verification depends only on the submitted password (raw !== NFKC), never on the account, so a
   * failure takes the same time for every account and for none (`checkAgainstNothing`).
   */
  async check(passwordHash: string, password: string): Promise<PasswordCheck> {
    const normalised = normalise(password);
    if (await this.verifyExactly(passwordHash, normalised)) {
      return { matches: true, needsRehash: this.needsRehash(passwordHash) };
    }
    const matchesRaw = normalised !== password && (await this.verifyExactly(passwordHash, password));
    return { matches: matchesRaw, needsRehash: matchesRaw };
  }

  /** Spends the same time as a real check of this password and always fails. */
  async checkAgainstNothing(password: string): Promise<PasswordCheck> {
    await this.check(this.dummyHash, password);
    return { matches: false, needsRehash: false };
  }

  async verifyAgainstNothing(password: string): Promise<false> {
    await this.checkAgainstNothing(password);
    return false;
  }

  /** True when a stored hash was made with other parameters than today's and should be replaced on login. */
  needsRehash(passwordHash: string): boolean {
    const { memoryCost, timeCost, parallelism } = ARGON2_OPTIONS;
    return !passwordHash.startsWith(`$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`);
  }

  private verifyExactly(passwordHash: string, password: string): Promise<boolean> {
    // A malformed stored hash verifies nothing.
    return this.queued(() => verify(passwordHash, password).catch(() => false));
  }

  private async queued<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.hashing.run(task);
    } catch (error) {
      throw error instanceof QueueFullError ? new ServiceBusyException(HASH_QUEUE_RETRY_AFTER_SECONDS) : error;
    }
  }
}
