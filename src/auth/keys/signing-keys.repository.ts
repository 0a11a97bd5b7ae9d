import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Repository } from 'typeorm';
import { SigningKey } from './signing-key.entity';

export type NewSigningKey = Pick<SigningKey, 'kid' | 'algorithm' | 'publicKey' | 'encryptedPrivateKey' | 'createdAt'>;

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>) {}

  /** Every key that is not revoked, newest first. */
  findUsable(): Promise<SigningKey[]> {
    return this.keys.find({ where: { revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  findByKid(kid: string): Promise<SigningKey | null> {
    return this.keys.findOneBy({ kid });
  }

  async insert(key: NewSigningKey): Promise<void> {
    await this.keys.insert({ ...key, retiredAt: null, revokedAt: null });
  }

  /** Stops every key older than `createdBefore` from signing; of two racing rotations the newer key stays active. */
  async retireOlderThan(createdBefore: Date, at: Date): Promise<void> {
    await this.keys.update({ retiredAt: IsNull(), createdAt: LessThan(createdBefore) }, { retiredAt: at });
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
