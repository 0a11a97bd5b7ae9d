import { Role } from '../../common/role';
import { User } from '../user.entity';

export class UserResponseDto {
  /** The user's id. */
  id: string;
  /** Trimmed and lower-cased. */
  email: string;
  /** `null` when the user never gave one. */
  displayName: string | null;
  /** The roles the user's next access token will carry. */
  roles: Role[];
  /** Whether the email address has been verified. */
  emailVerified: boolean;
  /** A disabled user can neither log in nor refresh. */
  disabled: boolean;
  /** Whether a login needs a TOTP code (or a recovery code) after the password. */
  mfaEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function toUserResponse(user: User): UserResponseDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    emailVerified: user.emailVerifiedAt !== null,
    disabled: user.disabled,
    mfaEnabled: user.mfaEnabled,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
