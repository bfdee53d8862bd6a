'use strict';
/**
 * `npm run bench [-- --quick]`: every workload against the embedded default (durable commits,
 * fresh data directories), alternating round by round with its baseline so ratios survive a noisy
 * machine. Prints a table and writes bench/results/latest.json (quick runs: quick.json; --only: partial.json).
 */
const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { runWorker } = require('./lib/child');
const { machine } = require('./lib/machine');
const { medianRatio, summary } = require('./lib/stats');
const { oursRound, withoutReadSideRound, echoRound, edgeRound, nestRound } = require('./workloads/http-gifts');
const { seedAudit, auditRound } = require('./workloads/audit');

const quick = process.argv.includes('--quick');
const profile = process.argv.includes('--profile');
const PROFILES = join(__dirname, 'results', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

/** Full: the sizes. Quick: same workloads, fewer rounds and shorter runs (smoke test). */
const PLAN = quick
  ? { rounds: 1, http: { warmupSec: 2, durationSec: 5 }, append: { warmup: 2000, commands: 10_000, emmettCommands: 300 }, rebuildEvents: 100_000, audit: { warmupSec: 1, durationSec: 4 } }
  : { rounds: 3, http: { warmupSec: 3, durationSec: 10 }, append: { warmup: 5000, commands: 40_000, emmettCommands: 1000 }, rebuildEvents: 1_000_000, audit: { warmupSec: 2, durationSec: 10 } };

const GOALS = {
  http_gifts: 'ratio >= 0.25 of bare Fastify echo, p99 < 20 ms',
  append_commands: 'ratio >= 10 vs raw FULL appends, >= 50 vs Emmett SQLite',
  rebuild: 'ratio >= 0.5 of raw read+parse, peak RSS < 300 MB',
  audit_point_in_time: 'p99 < 25 ms',
};

const PORT = 4300 + (process.pid % 500);

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'coinstream-bench-'));
  const started = Date.now();
  const workloads = {};
  try {
    if (want('http_gifts')) workloads.http_gifts = await httpGifts(tmp);
    if (want('append_commands')) workloads.append_commands = await appendCommands(tmp);
    if (want('rebuild')) workloads.rebuild = await rebuild(tmp);
    if (want('audit_point_in_time')) workloads.audit_point_in_time = await audit(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const report = { mode: quick ? 'quick' : 'full', profiled: profile, startedAt: new Date(started).toISOString(), durationSec: Math.round((Date.now() - started) / 1000), machine: machine(), plan: PLAN, workloads };
  printTable(workloads);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  // Profiled numbers are slowed by the profiler: they never replace a committed result.
  // Only a full, unprofiled run of every workload replaces the committed latest.json.
  const file = join(__dirname, 'results', profile ? 'profiled.json' : quick ? 'quick.json' : only ? 'partial.json' : 'latest.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${file} (${report.durationSec} s)`);
  if (profile) console.log(`CPU profiles of ours in ${PROFILES}: node bench/profile-summary.js ${PROFILES}`);
}

/** Node flags for one of our processes: under --profile, a CPU profile per workload and round. */
function oursNodeArgs(label) {
  return profile ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILES, label)}`] : [];
}

function want(name) {
  return !only || only.includes(name);
}

function log(message) {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function httpGifts(tmp) {
  const options = { tmp, wallets: 10_000, creators: 100, connections: 64, ...PLAN.http, port: PORT };
  const ours = [];
  const echo = [];
  const edge = [];
  const nest = [];
  const withoutReadSide = [];
  for (let round = 0; round < PLAN.rounds; round++) {
    // Alternate who goes first, so a slow spell on the machine does not always hit the same side.
    const runs = [
      async () => echo.push(await echoRound(options)),
      async () => ours.push(await oursRound({ ...options, round, nodeArgs: oursNodeArgs(`http_gifts-${round + 1}`) })),
      async () => edge.push(await edgeRound({ ...options, round })),
      async () => nest.push(await nestRound(options)),
      // A floor for the analysis, not a smoke test: full runs only, so --quick stays under two minutes.
      ...(quick ? [] : [async () => withoutReadSide.push(await withoutReadSideRound({ ...options, round }))]),
    ];
    for (const run of round % 2 === 0 ? runs : runs.reverse()) await run();
    log(
      `http_gifts round ${round + 1}: ours ${Math.round(ours.at(-1).requestsPerSec)}/s p99 ${ours.at(-1).p99_ms} ms, echo ${Math.round(echo.at(-1).requestsPerSec)}/s, ` +
        `our edge with the gift free ${Math.round(edge.at(-1).requestsPerSec)}/s, Nest + ValidationPipe alone ${Math.round(nest.at(-1).requestsPerSec)}/s` +
        (withoutReadSide.length > 0 ? `, ours without its read side ${Math.round(withoutReadSide.at(-1).requestsPerSec)}/s p99 ${withoutReadSide.at(-1).p99_ms} ms` : ''),
    );
  }
  assertClean('http_gifts', ours);
  assertRecorded(ours);
  assertClean('http_gifts edge floor', edge);
  assertClean('http_gifts framework floor', nest);
  assertClean('http_gifts without its read side', withoutReadSide);
  assertDurable('http_gifts without its read side', withoutReadSide);
  return {
    ...rateFields('gifts/s', 'bare Fastify route parsing and echoing the same JSON body (same autocannon settings)', {
      ours: ours.map((r) => r.requestsPerSec),
      baseline: echo.map((r) => r.requestsPerSec),
    }),
    p99_ms: summary(ours.map((r) => r.p99_ms)).median,
    peak_rss_mb: Math.max(...ours.map((r) => r.peak_rss_mb ?? 0)),
    ...ceilingFields(
      'our HTTP app (Nest on Fastify, JWT guard, rate limiter, ValidationPipe + DTO, hooks) with SendGift answered for free',
      { ours: ours.map((r) => r.requestsPerSec), ceiling: edge.map((r) => r.requestsPerSec), baseline: echo.map((r) => r.requestsPerSec) },
    ),
    ceiling_p99_ms: summary(edge.map((r) => r.p99_ms)).median,
    framework: frameworkFields(nest, echo),
    without_read_side: withoutReadSide.length > 0 ? withoutReadSideFields(withoutReadSide, echo) : null,
    cpu_us_per_request: cpuFields({ ours, echo, edge, framework: nest, ...(withoutReadSide.length > 0 && { without_read_side: withoutReadSide }) }),
    goal: GOALS.http_gifts,
    p99_ms_rounds: summary(ours.map((r) => r.p99_ms)),
    p50_ms: summary(ours.map((r) => r.p50_ms)).median,
    baseline_p99_ms: summary(echo.map((r) => r.p99_ms)).median,
    storage: ours[0].storage,
    recorded: ours.map((r) => ({ acknowledged: r.acknowledged, ...r.audit })),
    settings: { wallets: options.wallets, creators: options.creators, connections: options.connections, ...PLAN.http },
  };
}

/** Commands in flight: one per wallet (every wallet busy), and 64 (as many as http_gifts' connections). */
const APPEND_INFLIGHT = 1000;
const APPEND_FEW_INFLIGHT = 64;
/** The ceiling's commit size: about what ours commits at once with one command per wallet in flight. */
const CEILING_PER_COMMIT = 256;

async function appendCommands(tmp) {
  const common = { wallets: 1000, warmup: PLAN.append.warmup, commands: PLAN.append.commands };
  const ours = [];
  const oursFew = [];
  const raw = [];
  const emmett = [];
  const ceiling = [];
  for (let round = 0; round < PLAN.rounds; round++) {
    const runs = [
      async () =>
        ours.push(
          await runWorker('append-commands.js', { ...common, inflight: APPEND_INFLIGHT, dataDir: join(tmp, `append-ours-${round}`) }, { nodeArgs: oursNodeArgs(`append_commands-${round + 1}`) }),
        ),
      async () => oursFew.push(await runWorker('append-commands.js', { ...common, inflight: APPEND_FEW_INFLIGHT, dataDir: join(tmp, `append-ours-few-${round}`) })),
      async () => ceiling.push(await runWorker('batch-ceiling.js', { ...common, perCommit: CEILING_PER_COMMIT, dataDir: join(tmp, `append-ceiling-${round}`) })),
      async () => raw.push(await runWorker('raw-append.js', { ...common, warmup: 500, commands: Math.min(common.commands, 5000), dataDir: join(tmp, `append-raw-${round}`) })),
      async () =>
        emmett.push(
          await runWorker('emmett-gifts.js', { wallets: 1000, inflight: 1, warmup: 100, commands: PLAN.append.emmettCommands, dataDir: join(tmp, `append-emmett-${round}`) }),
        ),
    ];
    for (const run of round % 2 === 0 ? runs : runs.reverse()) await run();
    log(
      `append_commands round ${round + 1}: ours ${Math.round(ours.at(-1).commandsPerSec)}/s (${APPEND_FEW_INFLIGHT} in flight: ${Math.round(oursFew.at(-1).commandsPerSec)}/s), ` +
        `raw ${Math.round(raw.at(-1).commandsPerSec)}/s, emmett ${Math.round(emmett.at(-1).commandsPerSec)}/s, ` +
        `SQLite ceiling at ${CEILING_PER_COMMIT} per commit ${Math.round(ceiling.at(-1).commandsPerSec)}/s`,
    );
  }
  const peer = summary(emmett.map((r) => r.commandsPerSec));
  return {
    ...rateFields('commands/s', 'raw better-sqlite3 appends, WAL synchronous=FULL, one event per transaction', {
      ours: ours.map((r) => r.commandsPerSec),
      baseline: raw.map((r) => r.commandsPerSec),
    }),
    peer: peer.median,
    peer_name: 'Emmett 0.38.5 SQLite event store, CommandHandler with our wallet decider (one lane: see README)',
    peer_ratio: medianRatio(ours.map((r) => r.commandsPerSec), emmett.map((r) => r.commandsPerSec)),
    few_inflight: {
      inflight: APPEND_FEW_INFLIGHT,
      value: summary(oursFew.map((r) => r.commandsPerSec)).median,
      ratio: medianRatio(oursFew.map((r) => r.commandsPerSec), raw.map((r) => r.commandsPerSec)),
      rounds: summary(oursFew.map((r) => r.commandsPerSec)),
      commandsPerCommit: summary(oursFew.map((r) => r.commandsPerCommit)).median,
    },
    ...ceilingFields(
      `raw better-sqlite3 running our append statements on our schema, ${CEILING_PER_COMMIT} appends per FULL commit, nothing above SQLite`,
      { ours: ours.map((r) => r.commandsPerSec), ceiling: ceiling.map((r) => r.commandsPerSec), baseline: raw.map((r) => r.commandsPerSec) },
    ),
    peak_rss_mb: Math.max(...ours.map((r) => r.peak_rss_mb)),
    goal: GOALS.append_commands,
    peerRounds: peer,
    commandsPerCommit: summary(ours.map((r) => r.commandsPerCommit)).median,
    storage: ours[0].settings,
    peer_storage: { synchronous: emmett[0].synchronous, journal: emmett[0].journal },
    settings: { ...common, inflight: APPEND_INFLIGHT, appendThread: true, fewInflight: APPEND_FEW_INFLIGHT, ceilingPerCommit: CEILING_PER_COMMIT, rawCommands: Math.min(common.commands, 5000), emmettInflight: 1, emmettCommands: PLAN.append.emmettCommands },
  };
}

async function rebuild(tmp) {
  const eventsFile = join(tmp, 'rebuild', 'events.db');
  mkdirSync(join(tmp, 'rebuild'), { recursive: true });
  log(`rebuild: generating ${PLAN.rebuildEvents} events`);
  const generated = await runWorker('generate-events.js', { file: eventsFile, events: PLAN.rebuildEvents, wallets: 50_000, creators: 1000 });
  const ours = [];
  const raw = [];
  const floors = [];
  for (let round = 0; round < PLAN.rounds; round++) {
    const readModelsFile = join(tmp, 'rebuild', `read-models-${round}.db`);
    const runs = [
      async () => {
        ours.push(await runWorker('rebuild.js', { eventsFile, readModelsFile }, { timeoutMs: 900_000, nodeArgs: oursNodeArgs(`rebuild-${round + 1}`) }));
        floors.push(await runWorker('write-floor.js', { readModelsFile, scratchFile: join(tmp, 'rebuild', 'floor.db') }));
      },
      async () => raw.push(await runWorker('raw-read.js', { eventsFile })),
    ];
    for (const run of round % 2 === 0 ? runs : runs.reverse()) await run();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${readModelsFile}${suffix}`, { force: true });
    log(
      `rebuild round ${round + 1}: ours ${Math.round(ours.at(-1).eventsPerSec)} events/s (${ours.at(-1).peak_rss_mb} MB), raw ${Math.round(raw.at(-1).eventsPerSec)} events/s, ` +
        `every one of the ${floors.at(-1).allRows} final documents once ${floors.at(-1).allWriteSeconds.toFixed(1)} s`,
    );
  }
  // The best a rebuild of these read models on one thread could do: read+parse every event (the
  // baseline) and write every final document once, with all projecting and merging for free.
  const ceilings = raw.map((r, i) => 1 / (1 / r.eventsPerSec + floors[i].allWriteSeconds / r.events));
  // The same with reading and writing perfectly overlapped on the two cores: the slower of the two.
  const overlapped = raw.map((r, i) => 1 / Math.max(1 / r.eventsPerSec, floors[i].allWriteSeconds / r.events));
  return {
    ...rateFields('events/s', 'raw better-sqlite3 iterate in position order + JSON.parse of data and metadata', {
      ours: ours.map((r) => r.eventsPerSec),
      baseline: raw.map((r) => r.eventsPerSec),
    }),
    peak_rss_mb: Math.max(...ours.map((r) => r.peak_rss_mb)),
    ...ceilingFields(
      'raw read+parse plus writing every final read-model document once as a rebuild does (20,000 per transaction, then the indexes built), projecting and merging free',
      { ours: ours.map((r) => r.eventsPerSec), ceiling: ceilings, baseline: raw.map((r) => r.eventsPerSec) },
    ),
    overlapped_ceiling_over_raw: medianRatio(overlapped, raw.map((r) => r.eventsPerSec)),
    finalDocuments: floors[0].allRows,
    finalDocumentsWriteSeconds: summary(floors.map((f) => f.allWriteSeconds)),
    goal: GOALS.rebuild,
    seconds: summary(ours.map((r) => r.seconds)),
    events: generated.events,
    streams: generated.streams,
    projections: ours[0].projections,
  };
}

async function audit(tmp) {
  log('audit: seeding a wallet with 10,000 events');
  const seed = await seedAudit({ tmp, events: 10_000 });
  const rounds = [];
  for (let round = 0; round < PLAN.rounds; round++) {
    rounds.push(await auditRound({ tmp, round, seed, ...PLAN.audit, port: PORT, nodeArgs: oursNodeArgs(`audit_point_in_time-${round + 1}`) }));
    log(`audit round ${round + 1}: p99 ${rounds.at(-1).p99_ms} ms, ${Math.round(rounds.at(-1).requestsPerSec)}/s`);
  }
  assertClean('audit_point_in_time', rounds);
  const p99 = summary(rounds.map((r) => r.p99_ms));
  const goalMs = 25;
  return {
    value: p99.median,
    unit: 'ms (p99)',
    baseline: goalMs,
    baseline_name: 'the goal itself (25 ms); no peer endpoint exists to compare with',
    ratio: Math.round((goalMs / Math.max(p99.median, 0.001)) * 100) / 100,
    p99_ms: p99.median,
    peak_rss_mb: Math.max(...rounds.map((r) => r.peak_rss_mb ?? 0)),
    goal: GOALS.audit_point_in_time,
    p99_ms_rounds: p99,
    p50_ms: summary(rounds.map((r) => r.p50_ms)).median,
    requestsPerSec: summary(rounds.map((r) => r.requestsPerSec)),
    wallet: { userId: seed.userId, events: seed.events, at: seed.at, eventsFoldedAtThatInstant: rounds[0].sample.eventsApplied ?? null, balanceAt: rounds[0].balance },
  };
}

/** A rate workload's headline: medians over rounds, and the median of the per-round ratios. */
function rateFields(unit, baselineName, { ours, baseline }) {
  const rate = summary(ours);
  const base = summary(baseline);
  return { value: rate.median, unit, baseline: base.median, baseline_name: baselineName, ratio: medianRatio(ours, baseline), ours: rate, baselineRounds: base };
}

/** What the same rounds measured with everything but one unavoidable part taken away (README). */
function ceilingFields(name, { ours, ceiling, baseline }) {
  return {
    ceiling: summary(ceiling).median,
    ceiling_name: name,
    ceiling_over_raw: medianRatio(ceiling, baseline),
    ours_over_ceiling: medianRatio(ours, ceiling),
    ceilingRounds: summary(ceiling),
  };
}

/** A floor server's rounds against the echo of the same rounds: its rate, its ratio and its p99. */
function floorFields(name, rounds, echo) {
  const rates = rounds.map((r) => r.requestsPerSec);
  return {
    name,
    value: summary(rates).median,
    over_echo: medianRatio(rates, echo.map((r) => r.requestsPerSec)),
    p99_ms: summary(rounds.map((r) => r.p99_ms)).median,
    rounds: summary(rates),
  };
}

/**
 * The stack alone (Nest on Fastify, class-validator on the same DTO, a fixed 201) against the echo
 * of the same rounds: what is left of the goal's budget once the framework has been paid for.
 */
function frameworkFields(nest, echo) {
  return floorFields('Nest on Fastify with the strict ValidationPipe and SendGiftBody DTO, a fixed 201, nothing else', nest, echo);
}

/**
 * Ours with no read side (no projections, no diamonds reactor) against the echo of the same rounds:
 * how far the goal is from the edge, the decision and the durable append alone.
 */
function withoutReadSideFields(rounds, echo) {
  return {
    ...floorFields('our server with RUN_PROJECTOR=false: no projections, no diamonds reactor; each gift still durable before its 201', rounds, echo),
    p99_ms_rounds: summary(rounds.map((r) => r.p99_ms)),
    recorded: rounds.map((r) => ({ acknowledged: r.acknowledged, giftsInLog: r.audit.giftsInLog, violations: r.audit.violations.length })),
  };
}

/**
 * CPU per answered request (µs, medians over rounds) of each server and of the load generator that
 * drove it. On busy cores a rate is the cores over the CPU per request, so the goal's ratio of
 * 0.25 needs ours to use at most four times the echo's: `budget_for_goal`. `cores_busy` says how
 * saturated the machine was (ours may also wait, on commits, with cores idle).
 */
function cpuFields(servers) {
  const fields = {};
  for (const [name, rounds] of Object.entries(servers)) {
    const measured = rounds.filter((r) => r.cpu_us_per_request);
    if (measured.length === 0) return null;
    const server = summary(measured.map((r) => r.cpu_us_per_request.server)).median;
    const generator = summary(measured.map((r) => r.cpu_us_per_request.load_generator)).median;
    const coresBusy = summary(measured.map((r) => ((r.cpu_us_per_request.server + r.cpu_us_per_request.load_generator) * r.requestsPerSec) / 1e6)).median;
    fields[name] = { server, load_generator: generator, total: server + generator, cores_busy: coresBusy, server_threads: measured.at(-1).cpu_us_per_request.threads };
  }
  fields.budget_for_goal = Math.round(fields.echo.total / 0.25);
  return fields;
}

/**
 * Every gift our server acknowledged is in its log, and the auditor's verify passes on what the run
 * left (workers/verify-run.js): otherwise the rate would count work that was not done.
 */
function assertRecorded(rounds) {
  assertDurable('http_gifts', rounds);
  for (const r of rounds) {
    const { verified, violations, readModels } = r.audit;
    if (!verified) throw new Error(`http_gifts: verify failed on the run's data: ${JSON.stringify({ violations, readModels })}`);
  }
}

/**
 * A server without its read side leaves read models behind by design, so only the log is held to
 * account: every acknowledged gift in it, and no invariant broken by any event.
 */
function assertDurable(name, rounds) {
  for (const r of rounds) {
    const { giftsInLog, violations } = r.audit;
    if (giftsInLog < r.acknowledged) throw new Error(`${name}: ${r.acknowledged} gifts acknowledged but only ${giftsInLog} in the log`);
    if (violations.length > 0) throw new Error(`${name}: invariants broken in the run's log: ${JSON.stringify(violations)}`);
  }
}

function assertClean(name, rounds) {
  for (const r of rounds) {
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx answers and ${r.errors} errors; numbers would lie`);
  }
}

function printTable(workloads) {
  const rows = [['workload', 'ours (median)', 'min–max', 'baseline', 'ratio', 'p99 ms', 'peak RSS MB', 'goal']];
  for (const [name, w] of Object.entries(workloads)) {
    const range = w.ours ? `${w.ours.min}–${w.ours.max}` : w.p99_ms_rounds ? `${w.p99_ms_rounds.min}–${w.p99_ms_rounds.max}` : '';
    rows.push([name, `${w.value} ${w.unit}`, range, String(w.baseline), String(w.ratio), String(w.p99_ms ?? ''), String(w.peak_rss_mb ?? ''), w.goal]);
    if (w.few_inflight !== undefined) rows.push([`  ${w.few_inflight.inflight} in flight`, `${w.few_inflight.value} ${w.unit}`, `${w.few_inflight.rounds.min}–${w.few_inflight.rounds.max}`, String(w.baseline), String(w.few_inflight.ratio), '', '', '']);
    if (w.cpu_us_per_request) {
      const cpu = w.cpu_us_per_request;
      const per = (name) => `${name} ${cpu[name].server}+${cpu[name].total - cpu[name].server}`;
      const servers = ['ours', ...(cpu.without_read_side ? ['without_read_side'] : []), 'edge', 'framework', 'echo'];
      rows.push(['  CPU µs/request (server+load)', servers.map(per).join(', '), '', '', '', '', '', `ours <= ${cpu.budget_for_goal} µs for 0.25`]);
    }
    if (w.without_read_side) {
      const floor = w.without_read_side;
      rows.push(['  ours without its read side', `${floor.value} ${w.unit}`, `${floor.rounds.min}–${floor.rounds.max}`, String(w.baseline), String(floor.over_echo), String(floor.p99_ms), '', '']);
    }
    if (w.framework !== undefined) rows.push(['  Nest + ValidationPipe alone', `${w.framework.value} ${w.unit}`, `${w.framework.rounds.min}–${w.framework.rounds.max}`, String(w.baseline), String(w.framework.over_echo), String(w.framework.p99_ms), '', '']);
    if (w.peer !== undefined) rows.push([`  vs Emmett SQLite`, '', '', String(w.peer), String(w.peer_ratio), '', '', '']);
    if (w.ceiling !== undefined) {
      const what = { rebuild: '  read + every doc once', http_gifts: '  our edge, gift for free' }[name] ?? `  SQLite alone, ${CEILING_PER_COMMIT}/commit`;
      rows.push([what, `${w.ceiling} ${w.unit}`, '', String(w.baseline), String(w.ceiling_over_raw), '', '', `ours = ${w.ours_over_ceiling} of it`]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log('');
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join('  '));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
