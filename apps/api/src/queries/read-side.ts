import { Inject, Injectable } from '@nestjs/common';
import type { EconomyRuntime } from '../../../../libs/runtime/src/economy-runtime';
import { positionToJson } from '../../../../libs/event-store/src/event-store.port';
import { ApiError } from '../http/api-error';
import { RUNTIME } from '../runtime.token';

/**
 * Read-your-writes for every read (API.md): waits until the read models reached `minPosition`
 * (up to 5 s, then 503 with the current checkpoint), and stamps `asOfPosition`.
 */
@Injectable()
export class ReadSide {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  get store() {
    return this.runtime.readStore;
  }

  async read<T extends object>(minPosition: bigint | undefined, read: () => Promise<T>): Promise<T & { asOfPosition: number }> {
    if (minPosition !== undefined) {
      const caughtUp = await this.runtime.waitForPosition(minPosition, this.runtime.config.readYourWritesTimeoutMs);
      if (!caughtUp) {
        const checkpoint = await this.runtime.asOfPosition();
        throw new ApiError(503, 'UNAVAILABLE', 'The read models have not caught up with minPosition yet; retry shortly.', {
          minPosition: positionToJson(minPosition),
          checkpoint: positionToJson(checkpoint),
        });
      }
    }
    // Taken before the read: the data is at least this fresh.
    const asOfPosition = positionToJson(await this.runtime.asOfPosition());
    return { ...(await read()), asOfPosition };
  }

  /**
   * The same promise for a read of the event log itself (a wallet's ledger), which holds every
   * committed event: it waits only for a minPosition beyond the log's head (a position from
   * another replica's commit not visible here yet), and stamps the head it read before.
   */
  async readLog<T extends object>(minPosition: bigint | undefined, read: () => Promise<T>): Promise<T & { asOfPosition: number }> {
    const { eventStore, config } = this.runtime;
    if (minPosition !== undefined && !(await this.runtime.waitForLog(minPosition, config.readYourWritesTimeoutMs))) {
      throw new ApiError(503, 'UNAVAILABLE', 'The event log has not reached minPosition yet; retry shortly.', {
        minPosition: positionToJson(minPosition),
        checkpoint: positionToJson(await eventStore.headPosition()),
      });
    }
    // Taken before the read: the data is at least this fresh.
    const asOfPosition = positionToJson(await eventStore.headPosition());
    return { ...(await read()), asOfPosition };
  }
}
