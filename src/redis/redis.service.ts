import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';

type MessageHandler = (message: string) => void;

/** How long a command may wait for Redis before the caller falls back; Redis answers in well under a millisecond. */
const COMMAND_TIMEOUT_MS = 500;

/**
 * The optional Redis connection: one client for commands and publishing, one for subscriptions. With no REDIS_URL
 * the service runs single-instance and every method here is a no-op. When Redis is unreachable, commands fail fast
 * (callers fall back), and the clients reconnect by themselves.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  private readonly commandClient: Redis | null;
  private readonly subscriber: Redis | null;
  private readonly handlers = new Map<string, MessageHandler[]>();
  private readonly reconnectListeners: (() => void)[] = [];
  /** Set when a connection was lost or could not be made; cleared once both are ready again. */
  private hadOutage = false;

  constructor(private readonly config: AppConfig) {
    this.commandClient = config.redisUrl ? this.connect('commands') : null;
    this.subscriber = config.redisUrl ? this.connect('subscriptions') : null;
    this.subscriber?.on('message', (channel: string, message: string) => {
      this.handlers.get(channel)?.forEach((handler) => handler(message));
    });
  }

  get enabled(): boolean {
    return this.commandClient !== null;
  }

  /** True when Redis is configured and both connections are up. */
  get healthy(): boolean {
    return this.commandClient?.status === 'ready' && this.subscriber?.status === 'ready';
  }

  /** The command connection; callers check `healthy` first and fall back when a command fails. */
  get client(): Redis {
    if (!this.commandClient) {
      throw new Error('Redis is not configured');
    }
    return this.commandClient;
  }

  key(name: string): string {
    return `${this.config.redisKeyPrefix}${name}`;
  }

  /** Publishes to every instance (this one included). Returns false when the message could not be sent. */
  async publish(channel: string, message: string): Promise<boolean> {
    if (!this.commandClient || !this.healthy) {
      return false;
    }
    try {
      await this.commandClient.publish(this.key(channel), message);
      return true;
    } catch (error) {
      this.logger.warn(`Could not publish to ${channel}: ${(error as Error).message}`);
      return false;
    }
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<void> {
    if (!this.subscriber) {
      return;
    }
    const key = this.key(channel);
    this.handlers.set(key, [...(this.handlers.get(key) ?? []), handler]);
    if (this.subscriber.status === 'ready') {
      await this.subscribeTo([key]);
    }
  }

  /** Called each time the connection comes back after an outage, to catch up on what was missed. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  // After the HTTP server has drained, not before: a logout finishing during the drain must still be published.
  async onApplicationShutdown(): Promise<void> {
    const connections = [this.commandClient, this.subscriber].filter((connection) => connection !== null);
    // quit() waits for Redis to answer; while Redis is away, disconnect() is all there is to do.
    await Promise.all(connections.map((connection) => connection.quit().then(noop, () => connection.disconnect())));
  }

  private connect(role: 'commands' | 'subscriptions'): Redis {
    const forCommands = role === 'commands';
    const connection = createClient(this.config.redisUrl as string, {
      connectionName: `bastion-${role}`,
      maxRetriesPerRequest: 1,
      // Commands fail fast so callers fall back; subscriptions are made again by us on every `ready` instead.
      enableOfflineQueue: !forCommands,
      ...(forCommands && { commandTimeout: COMMAND_TIMEOUT_MS }),
      autoResubscribe: false,
      disconnectTimeout: 200,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    connection.on('error', (error: Error) => {
      this.hadOutage = true;
      this.logger.warn(`Redis (${role}): ${error.message}`);
    });
    connection.on('reconnecting', () => {
      this.hadOutage = true;
      this.logger.warn(`Redis (${role}) is unreachable; reconnecting`);
    });
    connection.on('ready', () => void this.onReady(forCommands));
    return connection;
  }

  private async onReady(forCommands: boolean): Promise<void> {
    if (!forCommands) {
      // Also covers an instance that started while Redis was down, whose first subscribe never reached it.
      await this.subscribeTo([...this.handlers.keys()]);
    }
    if (!this.healthy) {
      return;
    }
    if (this.hadOutage) {
      this.hadOutage = false;
      this.logger.log('Redis is reachable again');
      this.reconnectListeners.forEach((listener) => listener());
    }
  }

  private async subscribeTo(keys: string[]): Promise<void> {
    if (keys.length > 0) {
      await this.subscriber
        ?.subscribe(...keys)
        .catch((error: Error) => this.logger.warn(`Subscribing to ${keys.join(', ')} failed: ${error.message}`));
    }
  }
}

function noop(): void {}

/** ioredis is required only when REDIS_URL is set, so that a single instance does not spend its start-up loading it. */
function createClient(url: string, options: RedisOptions): Redis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Redis: Client } = require('ioredis') as typeof import('ioredis');
  return new Client(url, options);
}
