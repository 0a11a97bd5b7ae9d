import { HttpException, INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { StartupError } from '../common/startup-error';
import { AppConfig } from '../config/app-config';
import { loadEnvFile } from '../config/env-file';
import { ConfigError, loadConfig } from '../config/load-config';
import { assertDatabaseReachable } from '../database/database-reachable';
import { RedisService } from '../redis/redis.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { CommandError } from './command-error';

/** The audit details of every change made from the command line (the actor is nobody the service knows). */
export const VIA_CLI = { via: 'cli' };

// Nest's warnings (an unreachable Redis, a development key secret) still reach the operator, on stderr so that stdout
// holds only the command's output; errors are the command's to report, in one line.
const cliLogger: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: (message: unknown) => void process.stderr.write(`warning: ${String(message)}\n`),
};

/** Starts the service's modules without listening; the command closes what it started. */
export type Boot = () => Promise<INestApplicationContext>;

/**
 * Runs one operations command: `work` checks its arguments, then boots the service's own modules and configuration
 * against its database, and returns what to print. A failure prints `<name>: <reason>` on stderr and exits 1, never a
 * stack trace.
 */
export function runCommand(name: string, work: (boot: Boot) => Promise<string>): void {
  let app: INestApplicationContext | undefined;
  const boot = async () => {
    // Checked before Nest starts, as main.ts does, so a bad variable or an unreachable database is one named line.
    loadEnvFile(process.env);
    const config = loadConfig(process.env);
    await assertDatabaseReachable(config.database);
    app = await NestFactory.createApplicationContext(AppModule, { logger: cliLogger, abortOnError: false });
    return app;
  };
  work(boot)
    .finally(() => app?.close())
    .then(
      (output) => process.stdout.write(`${output}\n`),
      (error: unknown) => {
        process.stderr.write(`${name}: ${reasonOf(error)}\n`);
        process.exit(1);
      },
    );
}

/** The one argument of a command that takes an email address. */
export function emailArgument(usage: string): string {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0].startsWith('-')) {
    throw new CommandError(usage);
  }
  return args[0];
}

/** The user with this email (compared trimmed and lower-cased, as stored), or a CommandError naming it. */
export async function findUser(app: INestApplicationContext, email: string): Promise<User> {
  const user = await app.get(UsersService).findByEmail(normaliseEmail(email));
  if (!user) {
    throw new CommandError(`no account has the email ${email}`);
  }
  return user;
}

/** What became of the notice a command mailed to an account's owner, as the mail settings decide. */
export function noticeOutcome(app: INestApplicationContext): string {
  const { delivery } = app.get(AppConfig).mail;
  if (delivery === 'smtp') {
    return 'A notice is mailed to its owner.';
  }
  return `No notice was mailed (${delivery === 'none' ? 'SMTP_URL=none' : 'SMTP_URL is unset'}).`;
}

/** Waits for the Redis connections a command just opened; false when they are not ready within `withinMs`. */
export async function redisReady(app: INestApplicationContext, withinMs = 3000): Promise<boolean> {
  const redis = app.get(RedisService);
  const deadline = Date.now() + withinMs;
  while (!redis.healthy && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return redis.healthy;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function reasonOf(error: unknown): string {
  if (error instanceof CommandError || error instanceof ConfigError || error instanceof StartupError) {
    return error.message;
  }
  // A service's exception carries a sentence written for people ("No usable signing key has the id …").
  if (error instanceof HttpException) {
    return error.message;
  }
  // A driver's message can run to several lines (SQL, a hint); the first says what failed.
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}
