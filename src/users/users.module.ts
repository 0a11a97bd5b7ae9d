import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { AdminBootstrap } from './admin-bootstrap';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), PasswordsModule, AuditModule, ThrottleModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, AdminBootstrap],
  exports: [UsersService],
})
export class UsersModule {}
