import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, Repository } from 'typeorm';
import type { JwtAlgorithm } from '../../config/app-config';
import { SigningKey } from './signing-key.entity';

export type NewSigningKey = Pick<SigningKey, 'kid' | 'algorithm' | 'publicKey' | 'encryptedPrivateKey' | 'createdAt'>;

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>) {}

  /** Every key that is not revoked, newest first; the kid breaks ties so that every instance sees the same order. */
  findUsable(): Promise<SigningKey[]> {
    return this.keys.find({ where: { revokedAt: IsNull() }, order: { createdAt: 'DESC', kid: 'DESC' } });
  }

  findByKid(kid: string): Promise<SigningKey | null> {
    return this.keys.findOneBy({ kid });
  }

  async insert(key: NewSigningKey): Promise<void> {
    await this.keys.insert({ ...key, retiredAt: null, revokedAt: null });
  }

  /**
   * Leaves only the newest unretired key of the algorithm signing. Whoever runs this last sees every key inserted before it, so of
   * racing rotations on several instances exactly one key stays active, the same one for all.
   */
  async retireAllButNewest(algorithm: JwtAlgorithm, at: Date): Promise<void> {
    const signing = await this.keys.find({
      select: { kid: true },
      where: { algorithm, retiredAt: IsNull(), revokedAt: IsNull() },
      order: { createdAt: 'DESC', kid: 'DESC' },
    });
    const older = signing.slice(1).map((key) => key.kid);
    if (older.length > 0) {
      await this.keys.update({ kid: In(older), retiredAt: IsNull() }, { retiredAt: at });
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
