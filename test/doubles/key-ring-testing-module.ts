import { Provider } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Test, TestingModule } from '@nestjs/testing';
import { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { DatabaseLock } from '../../src/database/database-lock';
import { passThroughLock } from './pass-through-lock';
import { RedisService } from '../../src/redis/redis.service';
import { KeyRing } from '../../src/auth/keys/key-ring.service';
import { SigningKeysRepository } from '../../src/auth/keys/signing-keys.repository';
import { InMemorySigningKeys } from './in-memory-signing-keys';

export const TEST_KEY_ENCRYPTION_SECRET = 'Jx8fQ2vNw4Lr7tYp1ZkHs9Dc3Bm6Ga5E';

/** Compiles `providers` beside a started KeyRing over in-memory signing keys, config loaded from `env`, and `clock`. */
export async function createKeyRingTestingModule(options: {
  providers: Provider[];
  env: Record<string, string>;
  clock: Clock;
}): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      ...options.providers,
      KeyRing,
      JwtService,
      { provide: DatabaseLock, useValue: passThroughLock },
      RedisService,
      {
        provide: AppConfig,
        useValue: loadConfig({ KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET, ...options.env }),
      },
      { provide: Clock, useValue: options.clock },
      { provide: SigningKeysRepository, useValue: new InMemorySigningKeys() },
    ],
  }).compile();
  await moduleRef.get(KeyRing).onModuleInit();
  return moduleRef;
}
