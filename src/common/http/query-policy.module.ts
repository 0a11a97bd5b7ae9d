import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RejectUnknownQueryGuard } from './reject-unknown-query.guard';

/**
 * Nest runs global guards in the order their modules were scanned, so AppModule imports this after AuthModule:
 * a request is authenticated before its query string is judged.
 */
@Module({ providers: [{ provide: APP_GUARD, useClass: RejectUnknownQueryGuard }] })
export class QueryPolicyModule {}
