import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export enum RevocationKind {
  /** Every access token carrying this `sid` is revoked. */
  Session = 'session',
  /**
   * Every access token of this user issued (`iat`) before `revokedAt` is revoked. For a deleted user `revokedAt` lies
   * in the future (with `expiresAt`), so tokens minted after the deletion are refused too.
   */
  User = 'user',
}

/**
 * A durable record of an access-token revocation, so that a restarted instance can rebuild its in-memory set.
 * It outlives the session or user it names (no foreign key): deleting a user must not forget its revocation.
 */
@Entity('revocations')
export class Revocation {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  kind: RevocationKind;

  @PrimaryColumn({ type: 'uuid' })
  targetId: string;

  @Column()
  revokedAt: Date;

  /** After this time every token the entry could stop has expired anyway, so the entry can go. */
  @Index()
  @Column()
  expiresAt: Date;
}
