import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { SigningKey } from './signing-key.entity';

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>) {}

  /** Every key that is not revoked, newest first. */
  findUsable(): Promise<SigningKey[]> {
    return this.keys.find({ where: { revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  insert(key: Pick<SigningKey, 'kid' | 'algorithm' | 'publicKey' | 'encryptedPrivateKey'>): Promise<SigningKey> {
    return this.keys.save(this.keys.create({ ...key, retiredAt: null, revokedAt: null }));
  }
}
