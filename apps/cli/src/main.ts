import { createWriteStream } from 'node:fs';
import { pino } from 'pino';
import { ROLES, type Role, signJwt } from '../../../libs/application/src/auth/jwt';
import { signWebhook } from '../../../libs/application/src/auth/webhook-signature';
import { verifyEconomy } from '../../../libs/application/src/audit/verify-economy';
import { ConfigError, loadConfig, type AppConfig } from '../../../libs/runtime/src/config';
import { EconomyRuntime, embeddedFiles } from '../../../libs/runtime/src/economy-runtime';
import { keepRebuildHeapNearLive } from '../../../libs/runtime/src/rebuild-heap';
import { rebuildOnThreads, REBUILD_THREAD_GROUPS } from '../../../libs/runtime/src/rebuild-threads';
import { SqliteReadStore } from '../../../libs/read-models/src/embedded/sqlite-read-store';
import { allProjections } from '../../../libs/read-models/src/projections';
import { ProjectionRunner, type RebuildResult } from '../../../libs/read-models/src/projector/projection-runner';
import { Progress } from './progress';

const USAGE = `Coinstream operator and auditor tools.

Usage: npm run cli -- <command> [options]

  mint-token --sub <userId> --roles <user,creator,...> [--expires <seconds>]
      Prints a bearer token signed with AUTH_JWT_SECRET (or the development secret in DATA_DIR).
  sign-webhook --body '<json>'
      Prints the X-Signature header value for a payment webhook body, signed now.
  verify
      Replays every event, checks every invariant after every event, and checks that each read
      model equals a replay from position 0. Exit code 0 when all agree, 1 otherwise.
  rebuild [projection|all]
      Replays the log into a fresh generation of the read models and switches over. On the
      embedded storage, all is rebuilt on two threads, each reading only its projections' events.
      Stop the api (or run it with RUN_PROJECTOR=false) first: a live projector in another
      process would keep writing the old generation.
  export [--from <position>] [--out <file>]
      Writes every event after <position> as JSON lines (stdout by default).
  status
      Prints each projection's checkpoint and lag.

The same environment as the service selects the storage (DATA_DIR, or EVENTSTORE_URL + MONGODB_URL).`;

type Args = { command: string | undefined; positional: string[]; flags: Map<string, string> };

function parseArgs(argv: string[]): Args {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      flags.set(key, inline ?? argv[++i] ?? '');
    } else positional.push(arg);
  }
  return { command: positional.shift(), positional, flags };
}

class UsageError extends Error {}

function required(args: Args, flag: string): string {
  const value = args.flags.get(flag);
  if (!value) throw new UsageError(`--${flag} is required`);
  return value;
}

async function withRuntime<T>(config: AppConfig, work: (runtime: EconomyRuntime) => Promise<T>): Promise<T> {
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const runtime = await EconomyRuntime.open(config, logger, { runProjector: false });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

async function run(args: Args, config: AppConfig): Promise<number> {
  switch (args.command) {
    case 'mint-token': {
      const roles = required(args, 'roles').split(',').map((r) => r.trim());
      const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (unknown.length > 0) throw new UsageError(`unknown role(s) ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
      const expires = Number(args.flags.get('expires') ?? 3600);
      if (!Number.isInteger(expires) || expires <= 0) throw new UsageError('--expires must be a positive number of seconds');
      process.stdout.write(`${signJwt({ sub: required(args, 'sub'), roles: roles as Role[], expiresInSeconds: expires }, config.authJwtSecret)}\n`);
      return 0;
    }
    case 'sign-webhook': {
      const body = required(args, 'body');
      process.stdout.write(`${signWebhook(body, config.paymentWebhookSecret, Math.floor(Date.now() / 1000))}\n`);
      return 0;
    }
    case 'verify':
      return withRuntime(config, async (runtime) => {
        const progress = new Progress('verify');
        const scratchStore = SqliteReadStore.open({ file: ':memory:' });
        try {
          const report = await verifyEconomy({
            eventStore: runtime.eventStore,
            readStore: runtime.readStore,
            projections: allProjections,
            scratchStore,
            onProgress: (p) => progress.update(p.done, p.total, p.phase),
          });
          progress.finish(report.ok ? 'verify: the events, the money and the read models agree' : `verify: ${report.violations.length} violation(s)`);
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return report.ok ? 0 : 1;
        } finally {
          await scratchStore.close();
        }
      });
    case 'rebuild': {
      keepRebuildHeapNearLive();
      const target = args.positional[0] ?? 'all';
      if (target === 'all' && config.storage.kind === 'embedded') return rebuildAllOnThreads(config.storage.dataDir);
      return withRuntime(config, async (runtime) => {
        const runner = new ProjectionRunner({
          eventStore: runtime.eventStore,
          readStore: runtime.readStore,
          projections: allProjections,
          logger: pino({ level: 'warn' }, pino.destination(2)),
        });
        const progress = new Progress(`rebuild ${target}`);
        const results = await runner.rebuild(target, {
          onProgress: (p) => progress.update(Number(p.position), Number(p.head), `${p.eventsPerSecond} events/s`),
        });
        progress.finish(switchedOver(results));
        return 0;
      });
    }
    case 'export':
      return withRuntime(config, async (runtime) => {
        const out: NodeJS.WritableStream = args.flags.has('out') ? createWriteStream(required(args, 'out')) : process.stdout;
        const head = await runtime.eventStore.headPosition();
        const progress = new Progress('export');
        let after = BigInt(args.flags.get('from') ?? '0');
        for (;;) {
          const page = await runtime.eventStore.readAll({ after, maxCount: 5_000 });
          if (page.length === 0) break;
          const lines = page.map((e) =>
            JSON.stringify({ ...e, revision: e.revision.toString(), position: e.position.toString(), recordedAt: e.recordedAt.toISOString() }),
          );
          if (!out.write(`${lines.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
          after = page[page.length - 1]!.position;
          progress.update(Number(after), Number(head));
        }
        if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
        progress.finish(`export: events up to position ${after} written`);
        return 0;
      });
    case 'status':
      return withRuntime(config, async (runtime) => {
        process.stdout.write(`${JSON.stringify({ headPosition: (await runtime.eventStore.headPosition()).toString(), projections: await runtime.projectionStatus() }, null, 2)}\n`);
        return 0;
      });
    default:
      process.stdout.write(`${USAGE}\n`);
      return args.command === undefined || args.command === 'help' ? 0 : 2;
  }
}

/** The last line of a rebuild, on one thread or several. */
function switchedOver(results: readonly RebuildResult[]): string {
  return `rebuild: switched ${results.map((r) => `${r.projection} to generation ${r.generation}`).join(', ')}`;
}

/** `rebuild all` on the embedded storage: the threads' projections advance apart, the bar shows the one behind. */
async function rebuildAllOnThreads(dataDir: string): Promise<number> {
  const progress = new Progress('rebuild all');
  const reached = new Map(allProjections.map((projection) => [projection.name, 0n]));
  const results = await rebuildOnThreads({
    ...embeddedFiles(dataDir),
    logLevel: 'warn',
    onProgress: (p) => {
      reached.set(p.projection, p.position);
      const behind = [...reached.values()].reduce((least, position) => (position < least ? position : least));
      progress.update(Number(behind), Number(p.head), `${REBUILD_THREAD_GROUPS.length} threads`);
    },
  });
  progress.finish(switchedOver(results));
  return 0;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  try {
    process.exitCode = await run(args, loadConfig());
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`coinstream ${args.command ?? ''}: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`coinstream ${args.command ?? ''} failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}

void main();
