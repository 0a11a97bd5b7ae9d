import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, Not, Repository } from 'typeorm';
import type { JwtAlgorithm } from '../../config/app-config';
import { runInOneTransaction } from '../../database/one-transaction';
import { SigningKey } from './signing-key.entity';

export type NewSigningKey = Pick<
  SigningKey,
  'kid' | 'algorithm' | 'publicKey' | 'encryptedPrivateKey' | 'createdAt' | 'activatedAt'
>;

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>) {}

  /** Every key that is not revoked, newest first; the kid breaks ties so that every instance sees the same order. */
  findUsable(): Promise<SigningKey[]> {
    return this.keys.find({ where: { revokedAt: IsNull() }, order: { createdAt: 'DESC', kid: 'DESC' } });
  }

  /** Every stored key, revoked and retired ones included, newest first. */
  findAll(): Promise<SigningKey[]> {
    return this.keys.find({ order: { createdAt: 'DESC', kid: 'DESC' } });
  }

  findByKid(kid: string): Promise<SigningKey | null> {
    return this.keys.findOneBy({ kid });
  }

  async insert(key: NewSigningKey): Promise<void> {
    await this.keys.insert({ ...key, retiredAt: null, revokedAt: null });
  }

  /**
   * Makes the next key `kid` the signing key and retires the key it replaces, in one transaction; false when `kid`
   * is no longer a usable next key.
   */
  promote(kid: string, algorithm: JwtAlgorithm, at: Date): Promise<boolean> {
    return runInOneTransaction(this.keys.manager.dataSource, [
      {
        build: (manager) =>
          manager
            .createQueryBuilder()
            .update(SigningKey)
            .set({ activatedAt: at })
            .where({ kid, activatedAt: IsNull(), retiredAt: IsNull(), revokedAt: IsNull() }),
        mustChangeOne: true,
      },
      {
        build: (manager) =>
          manager
            .createQueryBuilder()
            .update(SigningKey)
            .set({ retiredAt: at })
            .where({ algorithm, kid: Not(kid), activatedAt: Not(IsNull()), retiredAt: IsNull() }),
      },
    ]);
  }

  /**
   * Leaves one signing key (the last activated) and one next key (the newest) of the algorithm, retiring any other:
   * a repair for rings written before rotations were serialised, the same result on every instance.
   */
  async retireSurplus(algorithm: JwtAlgorithm, at: Date): Promise<void> {
    const live = await this.keys.find({
      select: { kid: true, activatedAt: true },
      where: { algorithm, retiredAt: IsNull(), revokedAt: IsNull() },
      order: { activatedAt: 'DESC', createdAt: 'DESC', kid: 'DESC' },
    });
    const surplus = [
      ...live.filter((key) => key.activatedAt !== null).slice(1),
      ...live.filter((key) => key.activatedAt === null).slice(1),
    ].map((key) => key.kid);
    if (surplus.length > 0) {
      await this.keys.update({ kid: In(surplus), retiredAt: IsNull() }, { retiredAt: at });
    }
  }

  async markRevoked(kid: string, at: Date): Promise<boolean> {
    const result = await this.keys.update({ kid, revokedAt: IsNull() }, { revokedAt: at, retiredAt: at });
    return result.affected === 1;
  }

  /** Deletes keys that stopped signing (retired or revoked) before `before`: no live token can carry them. */
  async deleteRetiredBefore(before: Date): Promise<number> {
    const result = await this.keys.delete({ retiredAt: LessThan(before) });
    return result.affected ?? 0;
  }
}
