import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
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
export class RedisService implements OnModuleDestroy {
  private readonly logger = new Logger(RedisService.name);
  private readonly commandClient: Redis | null;
  private readonly subscriber: Redis | null;
  private readonly handlers = new Map<string, MessageHandler[]>();
  private readonly reconnectListeners: (() => void)[] = [];
  private wasReady = false;

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
    // ioredis subscribes again by itself after a reconnect.
    await this.subscriber
      .subscribe(key)
      .catch((error: Error) => this.logger.warn(`Subscribe to ${channel} failed: ${error.message}`));
  }

  /** Called each time the connection comes back after an outage, to catch up on what was missed. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async onModuleDestroy(): Promise<void> {
    const connections = [this.commandClient, this.subscriber].filter((connection) => connection !== null);
    // quit() waits for Redis to answer; while Redis is away, disconnect() is all there is to do.
    await Promise.all(connections.map((connection) => connection.quit().then(noop, () => connection.disconnect())));
  }

  private connect(role: string): Redis {
    const connection = new Redis(this.config.redisUrl as string, {
      connectionName: `bastion-${role}`,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: role === 'subscriptions',
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    connection.on('error', (error: Error) => this.logger.warn(`Redis (${role}): ${error.message}`));
    connection.on('ready', () => this.onReady());
    connection.on('reconnecting', () => this.logger.warn(`Redis (${role}) is unreachable; reconnecting`));
    return connection;
  }

  private onReady(): void {
    if (!this.healthy) {
      return;
    }
    if (this.wasReady) {
      this.logger.log('Redis is back');
      this.reconnectListeners.forEach((listener) => listener());
    }
    this.wasReady = true;
  }
}

function noop(): void {}
