import { Injectable, OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Gauge } from 'prom-client';
import { KeyRing } from '../auth/keys/key-ring.service';
import { RevocationsService } from '../auth/revocations/revocations.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Mailer } from '../mail/mailer.service';
import { PasswordsService } from '../passwords/passwords.service';
import { Metrics } from './metrics';

/** Gauges read when Prometheus scrapes (no timers), and Node's process metrics, all in the service's registry. */
@Injectable()
export class MetricGauges implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly revocations: RevocationsService,
    private readonly keyRing: KeyRing,
    private readonly passwords: PasswordsService,
    private readonly mailer: Mailer,
  ) {}

  onModuleInit(): void {
    if (!this.config.metrics.enabled) {
      return;
    }
    const registers = [this.metrics.registry];
    collectDefaultMetrics({ register: this.metrics.registry, prefix: 'bastion_' });
    const { revocations, keyRing, passwords, mailer, clock } = this;
    new Gauge({
      name: 'bastion_revocations',
      help: 'Entries in the in-memory revocation set: ended sessions, and users whose earlier tokens are void.',
      labelNames: ['kind'],
      registers,
      collect() {
        this.set({ kind: 'session' }, revocations.size.sessions);
        this.set({ kind: 'user' }, revocations.size.users);
      },
    });
    new Gauge({
      name: 'bastion_signing_key_age_seconds',
      help: 'Seconds since the active signing key began to sign.',
      registers,
      collect() {
        const since = keyRing.activeSinceDate ?? keyRing.activeKey.createdAt;
        this.set((clock.now().getTime() - since.getTime()) / 1000);
      },
    });
    new Gauge({
      name: 'bastion_password_hash_queue_depth',
      help: 'Password hashes running or waiting for a worker.',
      registers,
      collect() {
        this.set(passwords.queueDepth);
      },
    });
    new Gauge({
      name: 'bastion_mail_queue_depth',
      help: 'Mails waiting, being sent or waiting for a retry.',
      registers,
      collect() {
        this.set(mailer.pending);
      },
    });
  }
}
