import { Module } from '@nestjs/common';
import { PasswordsService } from './passwords.service';

/** Shared by auth (register, login, password change) and users (re-asking the password before deletion). */
@Module({
  providers: [PasswordsService],
  exports: [PasswordsService],
})
export class PasswordsModule {}
