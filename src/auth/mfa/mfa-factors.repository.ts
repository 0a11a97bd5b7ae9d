import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Brackets, DataSource, EntityManager, Repository } from 'typeorm';
import { runAllOrNothing, TransactionStep } from '../../database/one-transaction';
import { User } from '../../users/user.entity';
import { RecoveryCode } from './recovery-code.entity';
import { TotpFactor } from './totp-factor.entity';

/**
 * The second factors of users: TOTP secrets, recovery codes and the `users.mfa_enabled` switch. Every change that
 * turns two-factor on or off, or renews codes, first writes the user's row under the condition it expects, so racing
 * changes of one account take turns, and each commits whole or not at all.
 */
@Injectable()
export class MfaFactorsRepository {
  constructor(
    @InjectRepository(TotpFactor) private readonly totp: Repository<TotpFactor>,
    @InjectRepository(RecoveryCode) private readonly recoveryCodes: Repository<RecoveryCode>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  findTotp(userId: string): Promise<TotpFactor | null> {
    return this.totp.findOneBy({ userId });
  }

  /** Stores a new pending secret in place of any other; false when two-factor is (or just got) on. */
  replacePendingTotp(userId: string, secretId: string, sealedSecret: string): Promise<boolean> {
    return runAllOrNothing(this.dataSource, [
      this.switchStep(userId, false, false),
      { build: (manager) => manager.createQueryBuilder().delete().from(TotpFactor).where({ userId }) },
      {
        build: (manager) =>
          manager
            .createQueryBuilder()
            .insert()
            .into(TotpFactor)
            .values({ userId, secretId, sealedSecret, lastUsedStep: null })
            .updateEntity(false),
      },
    ]);
  }

  /**
   * Turns two-factor on with the pending secret `secretId`, whose code of `step` was just given, and stores the
   * recovery codes; false when it is already on, the secret was replaced or the step was used.
   */
  enable(userId: string, secretId: string, step: number, codeHashes: string[]): Promise<boolean> {
    return runAllOrNothing(this.dataSource, [
      this.switchStep(userId, false, true),
      { build: (manager) => this.useStepQuery(manager, userId, step, secretId), mustChangeOne: true },
      ...this.replaceCodesSteps(userId, codeHashes),
    ]);
  }

  /** Turns two-factor off and forgets the secret and the codes; false when it was not on. */
  disable(userId: string): Promise<boolean> {
    return runAllOrNothing(this.dataSource, [
      this.switchStep(userId, true, false),
      { build: (manager) => manager.createQueryBuilder().delete().from(TotpFactor).where({ userId }) },
      { build: (manager) => manager.createQueryBuilder().delete().from(RecoveryCode).where({ userId }) },
    ]);
  }

  /** A new set of recovery codes in place of the old; false when two-factor is not on. */
  replaceRecoveryCodes(userId: string, codeHashes: string[]): Promise<boolean> {
    return runAllOrNothing(this.dataSource, [
      this.switchStep(userId, true, true),
      ...this.replaceCodesSteps(userId, codeHashes),
    ]);
  }

  /** Records the step of an accepted code; of racing uses of one code (or of an older one) exactly one gets true. */
  async useStep(userId: string, step: number): Promise<boolean> {
    const result = await this.useStepQuery(this.totp.manager, userId, step).execute();
    return result.affected === 1;
  }

  /** Deletes the code; true for exactly one of racing uses of it. */
  async useRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    const result = await this.recoveryCodes.delete({ userId, codeHash });
    return result.affected === 1;
  }

  private useStepQuery(manager: EntityManager, userId: string, step: number, secretId?: string) {
    const query = manager
      .createQueryBuilder()
      .update(TotpFactor)
      .set({ lastUsedStep: step })
      .where('user_id = :userId', { userId })
      .andWhere(
        new Brackets((older) => older.where('last_used_step IS NULL').orWhere('last_used_step < :step', { step })),
      );
    return secretId ? query.andWhere('secret_id = :secretId', { secretId }) : query;
  }

  /** Sets users.mfa_enabled, only from the state expected; it comes first, so it also orders racing changes. */
  private switchStep(userId: string, from: boolean, to: boolean): TransactionStep {
    return {
      build: (manager) =>
        manager
          .createQueryBuilder()
          .update(User)
          .set({ mfaEnabled: to })
          .where('id = :userId AND mfa_enabled = :from', { userId, from }),
      mustChangeOne: true,
    };
  }

  private replaceCodesSteps(userId: string, codeHashes: string[]): TransactionStep[] {
    return [
      { build: (manager) => manager.createQueryBuilder().delete().from(RecoveryCode).where({ userId }) },
      {
        build: (manager) =>
          manager
            .createQueryBuilder()
            .insert()
            .into(RecoveryCode)
            .values(codeHashes.map((codeHash) => ({ id: randomUUID(), userId, codeHash })))
            .updateEntity(false),
      },
    ];
  }
}
