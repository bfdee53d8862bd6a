import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, Reflector } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import type { EconomyRuntime } from '../../../libs/runtime/src/economy-runtime';
import { AuditController } from './audit/audit.controller';
import { ConvertDiamondsController } from './commands/convert-diamonds/convert-diamonds.controller';
import { ConvertDiamondsHandler } from './commands/convert-diamonds/convert-diamonds.handler';
import { PaymentWebhookController } from './commands/purchase-coins/payment-webhook.controller';
import { PurchaseCoinsHandler } from './commands/purchase-coins/purchase-coins.handler';
import { PurchaseItemController } from './commands/purchase-item/purchase-item.controller';
import { PurchaseItemHandler } from './commands/purchase-item/purchase-item.handler';
import { RegisterCreatorController } from './commands/register-creator/register-creator.controller';
import { RegisterCreatorHandler } from './commands/register-creator/register-creator.handler';
import { SendGiftController } from './commands/send-gift/send-gift.controller';
import { SendGiftHandler } from './commands/send-gift/send-gift.handler';
import { HealthController } from './health/health.controller';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { AuthGuard } from './http/auth';
import { loggerOptions } from './http/logging';
import { RateLimiter } from './http/rate-limiter';
import { StrictBodyPipe } from './http/validation';
import { AnalyticsController } from './queries/analytics/analytics.controller';
import { AnalyticsQueries } from './queries/analytics/analytics.queries';
import { CatalogController } from './queries/catalog/catalog.controller';
import { CreatorEarningsController } from './queries/creator-earnings/creator-earnings.controller';
import { GetCreatorEarningsHandler } from './queries/creator-earnings/creator-earnings.query';
import { ReadSide } from './queries/read-side';
import { GetWalletHandler, ListWalletTransactionsHandler } from './queries/wallets/wallet.queries';
import { WalletsController } from './queries/wallets/wallets.controller';
import { RUNTIME } from './runtime.token';

@Module({})
export class AppModule {
  static forRuntime(runtime: EconomyRuntime): DynamicModule {
    const { config } = runtime;
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), LoggerModule.forRoot(loggerOptions(config.logLevel))],
      controllers: [
        HealthController,
        CatalogController,
        PaymentWebhookController,
        RegisterCreatorController,
        SendGiftController,
        PurchaseItemController,
        ConvertDiamondsController,
        WalletsController,
        CreatorEarningsController,
        AnalyticsController,
        AuditController,
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: RateLimiter, useValue: new RateLimiter(config.rateLimitPerMinute) },
        {
          provide: APP_GUARD,
          inject: [Reflector, RateLimiter],
          useFactory: (reflector: Reflector, limiter: RateLimiter) => new AuthGuard(reflector, config.authJwtSecret, limiter),
        },
        { provide: APP_PIPE, useClass: StrictBodyPipe },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        ReadSide,
        AnalyticsQueries,
        PurchaseCoinsHandler,
        RegisterCreatorHandler,
        SendGiftHandler,
        PurchaseItemHandler,
        ConvertDiamondsHandler,
        GetWalletHandler,
        ListWalletTransactionsHandler,
        GetCreatorEarningsHandler,
      ],
    };
  }
}
