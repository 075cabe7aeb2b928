import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TransactionsService } from '../src/database/transactions.service.js';
import { databaseOptions } from '../src/gateway/database.options.js';
import { MagicLinksStore } from '../src/magic-links/magic-links.store.js';
import { BaselineController } from './baseline.controller.js';
import { BASELINE_TOKEN_HASH_KEY, BaselineService } from './baseline.service.js';

/**
 * The baseline app. It opens the database exactly as the gateway does (same driver, pool and pragmas, from the
 * gateway's own `databaseOptions`) but leaves the schema to the gateway, which migrates it first.
 */
@Module({})
export class BaselineModule {
  static forRoot(databaseUrl: string, tokenHashKey: string): DynamicModule {
    return {
      module: BaselineModule,
      imports: [TypeOrmModule.forRoot(databaseOptions(databaseUrl, false))],
      controllers: [BaselineController],
      providers: [
        BaselineService,
        MagicLinksStore,
        TransactionsService,
        { provide: BASELINE_TOKEN_HASH_KEY, useValue: tokenHashKey },
      ],
    };
  }
}
