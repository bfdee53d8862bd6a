import { Subject } from 'rxjs';
import type { EventStore, GlobalPosition, RecordedEvent } from '../../event-store/src/event-store.port';
import type { ReadStore } from '../../read-models/src/read-store.port';
import type { CreatorCommand } from '../../domain/src/commands';
import type { CreatorEvent, DiamondsCredited, GiftSent } from '../../domain/src/events';
import type { CreatorState } from '../../domain/src/creator/creator';
import { creatorStream } from '../../domain/src/streams';
import { BusinessRuleViolation } from '../../domain/src/errors';
import type { CommandExecutor, StreamModel } from './command-executor';
import { deterministicUuid } from './event-ids';
import type { Logger } from './logger';
import { paceAfterBatch } from '../../read-models/src/projector/back-off';

export const DIAMONDS_REACTOR = 'diamondsReactor';
/** Most events read per batch. */
const REACTOR_BATCH = 1000;

/**
 * Turns every GiftSent into the creator's DiamondsCredited, exactly once. The creator stream
 * remembers the position of the last gift it credited (gifts are read in global order), so a
 * gift seen again after a crash decides nothing; the event id derived from the gift's makes a
 * retried append recognisable too. Its checkpoint is only a resume hint, kept in the read store.
 */
export class DiamondsReactor {
  /** The position up to which every gift is credited, after each batch (what status() reports, as it moves). */
  readonly credited$ = new Subject<GlobalPosition>();
  private abort = new AbortController();
  private running: Promise<void> | null = null;
  private checkpoint: GlobalPosition | null = null;
  private lastEventAt: number | null = null;

  constructor(
    private readonly deps: {
      eventStore: EventStore;
      readStore: ReadStore;
      executor: CommandExecutor;
      creatorModel: StreamModel<CreatorState, CreatorCommand, CreatorEvent>;
      logger: Logger;
      /** Back-off between attempts when the store is unavailable. */
      retryDelayMs?: number;
      /** Least time between two saves of the resume position. Default 1 s. */
      checkpointEveryMs?: number;
      /**
       * Least time between the starts of two batches. Under a steady flow of gifts each batch then
       * holds what arrived meanwhile, so a creator receiving several gifts is credited in one
       * append instead of one per commit; a gift after a quiet spell is credited at once, and a
       * backlog (full batches) without pause. Default 0.
       */
      batchIntervalMs?: number;
    },
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.abort = new AbortController();
    this.checkpoint = await this.deps.readStore.checkpoint(DIAMONDS_REACTOR);
    this.running = this.run(this.abort.signal).catch((error: unknown) => {
      if (!this.abort.signal.aborted) this.deps.logger.error({ err: error }, 'diamonds reactor stopped');
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.running = null;
  }

  async status(): Promise<{ name: string; checkpoint: GlobalPosition | null; lag: bigint; lastEventAgeMs: number | null }> {
    const head = await this.deps.eventStore.headPosition();
    return {
      name: DIAMONDS_REACTOR,
      checkpoint: this.checkpoint,
      lag: head - (this.checkpoint ?? 0n),
      lastEventAgeMs: this.lastEventAt === null ? null : Date.now() - this.lastEventAt,
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
    const every = this.deps.checkpointEveryMs ?? 1_000;
    let saved = this.checkpoint;
    let savedAt = Date.now();
    const save = async (): Promise<void> => {
      const position = this.checkpoint;
      if (position === null || position === saved) return;
      await this.deps.readStore.applyBatch(DIAMONDS_REACTOR, [], position);
      saved = position;
      savedAt = Date.now();
    };
    const interval = this.deps.batchIntervalMs ?? 0;
    const subscription = this.deps.eventStore.subscribeToAll({ after: this.checkpoint ?? undefined, signal, maxBatch: REACTOR_BATCH });
    for await (const batch of subscription) {
      if (batch.length === 0) continue;
      const startedAt = Date.now();
      const gifts = batch.filter((e) => e.type === 'GiftSent');
      const credited = await this.untilDone(signal, () => this.creditAll(gifts).then(() => true as const));
      // Stopped before every gift was credited: the checkpoint must not move past them.
      if (credited !== true) break;
      this.checkpoint = batch[batch.length - 1]!.position;
      this.lastEventAt = Date.now();
      this.credited$.next(this.checkpoint);
      // The checkpoint is only where to resume (credits are exactly-once by the creator stream),
      // so it is saved at most once a second rather than contending for the store per batch.
      if (Date.now() - savedAt >= every) await this.untilDone(signal, save);
      if (signal.aborted) break;
      await paceAfterBatch(startedAt, interval, batch.length >= REACTOR_BATCH, signal);
    }
    await save().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'diamonds reactor checkpoint not saved; it will re-read from the last one'));
  }

  /**
   * Each creator's gifts of the batch in one command, one DiamondsCredited each, in one append;
   * creators in parallel, so their appends share commits. One command per gift made a creator who
   * receives many gifts at once wait one commit per gift.
   */
  private async creditAll(gifts: RecordedEvent[]): Promise<void> {
    const byCreator = new Map<string, RecordedEvent[]>();
    for (const gift of gifts) {
      const { creatorId } = gift.data as GiftSent['data'];
      const list = byCreator.get(creatorId);
      if (list) list.push(gift);
      else byCreator.set(creatorId, [gift]);
    }
    await Promise.all([...byCreator].map(([creatorId, creatorGifts]) => this.credit(creatorId, creatorGifts)));
  }

  private async credit(creatorId: string, gifts: RecordedEvent[]): Promise<void> {
    const byPosition = new Map(gifts.map((gift) => [gift.position.toString(), gift]));
    const giftOf = (credit: CreatorEvent): RecordedEvent => byPosition.get((credit as DiamondsCredited).data.giftPosition)!;
    try {
      await this.deps.executor.execute({
        streamName: creatorStream(creatorId),
        model: this.deps.creatorModel,
        command: {
          type: 'CreditDiamonds',
          data: {
            creatorId,
            gifts: gifts.map((gift) => {
              const data = gift.data as GiftSent['data'];
              return {
                giftTxnId: data.giftTxnId,
                senderId: data.senderId,
                giftId: data.giftId,
                quantity: data.quantity,
                diamonds: data.diamonds,
                giftPosition: gift.position.toString(),
                now: data.sentAt,
              };
            }),
          },
        },
        actorId: `system:${DIAMONDS_REACTOR}`,
        correlationId: gifts[0]!.metadata.correlationId,
        causationId: gifts[0]!.eventId,
        // Each credit is caused by its own gift, and its id follows from the gift's.
        eventIds: (credits) => credits.map((credit) => deterministicUuid(`credit|${giftOf(credit).eventId}|0`)),
        causations: (credits) => credits.map((credit) => ({ correlationId: giftOf(credit).metadata.correlationId, causationId: giftOf(credit).eventId })),
      });
    } catch (error) {
      if (!(error instanceof BusinessRuleViolation)) throw error;
      // Gifts the creator stream refuses cannot be fixed by retrying: say so loudly, move on.
      this.deps.logger.error(
        { err: error, code: error.code, creatorId, gifts: gifts.map((gift) => ({ eventId: gift.eventId, position: gift.position.toString() })) },
        'gifts could not be credited to their creator; parked',
      );
    }
  }

  private async untilDone<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T | undefined> {
    const baseDelay = this.deps.retryDelayMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (signal.aborted) return undefined;
        const delay = Math.min(baseDelay * 2 ** (attempt - 1), 5_000);
        this.deps.logger.warn({ err: error, attempt, retryInMs: delay }, 'diamonds reactor retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
