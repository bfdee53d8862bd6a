'use strict';
/**
 * Reads V8 CPU profiles (`--cpu-prof`, or `npm run bench -- --profile`) and says where the time went:
 * self time by place (our libs and apps, each package, Node's internals, GC, idle), the functions
 * with the most self time, and those with the most time including what they call. Native work that
 * better-sqlite3 does synchronously shows up as self time of the JS function that called it.
 *
 *   node bench/profile-summary.js <file.cpuprofile | directory> [--top=20] [--per=N]
 *
 * A directory is read recursively, one summary per profile (a server writes one per thread).
 * --per=N divides times by N (requests, commands, events) and prints µs per unit instead of %.
 * --from=S and --to=S count only the samples taken between S seconds after the profile's start
 * (a server's profile starts at its boot): pick the steady state from the busy-per-second line.
 */
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

function profilesUnder(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .flatMap((name) => profilesUnder(join(path, name)))
    .filter((file) => file.endsWith('.cpuprofile'))
    .sort();
}

/** Calls `visit(nodeId, micros, at)` for each sample, `at` being µs since the profile's start. */
function forEachSample(profile, visit) {
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    visit(id, delta, at);
  });
}

/** Microseconds of self time per node id, for samples taken between `from` and `to` seconds after the start. */
function selfTimes(profile, { from = 0, to = Infinity } = {}) {
  const self = new Map();
  forEachSample(profile, (id, delta, at) => {
    if (at >= from * 1e6 && at < to * 1e6) self.set(id, (self.get(id) ?? 0) + delta);
  });
  return self;
}

/** Busy share of each second of the profile, so a window (the steady state) can be chosen. */
function timeline(profile) {
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  const seconds = [];
  forEachSample(profile, (id, delta, at) => {
    const second = Math.floor(at / 1e6);
    seconds[second] ??= { busy: 0, all: 0 };
    seconds[second].all += delta;
    if (!idle.has(id)) seconds[second].busy += delta;
  });
  return seconds.map((s) => (s && s.all > 0 ? Math.round((100 * s.busy) / s.all) : 0));
}

function placeOf({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const inModules = url.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const [scope, name] = url.slice(inModules + 'node_modules/'.length).split('/');
    return `package ${scope.startsWith('@') ? `${scope}/${name}` : scope}`;
  }
  if (url.startsWith('node:')) return `node ${url.slice('node:'.length).split('/').slice(0, 2).join('/')}`;
  const inDist = url.indexOf('/dist/');
  if (inDist >= 0) return `ours ${url.slice(inDist + '/dist/'.length).split('/').slice(0, 2).join('/')}`;
  return `script ${url.split('/').slice(-2).join('/')}`;
}

function functionLabel({ url, functionName, lineNumber }) {
  const where = url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

function addTo(totals, key, micros) {
  totals.set(key, (totals.get(key) ?? 0) + micros);
}

function summarise(profile, window) {
  const self = selfTimes(profile, window);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const places = new Map();
  const functions = new Map();
  const inclusive = new Map();
  let total = 0;
  for (const [id, micros] of self) {
    const frame = byId.get(id).callFrame;
    total += micros;
    addTo(places, placeOf(frame), micros);
    addTo(functions, functionLabel(frame), micros);
    // Each function on the stack once, however deep its recursion.
    const onStack = new Set();
    for (let at = id; at !== undefined; at = parentOf.get(at)) onStack.add(functionLabel(byId.get(at).callFrame));
    for (const label of onStack) addTo(inclusive, label, micros);
  }
  return { total, places, functions, inclusive };
}

function print(title, totals, { total, top, per }) {
  console.log(`  ${title}`);
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [label, micros] of rows) {
    const amount = per ? `${(micros / per).toFixed(1).padStart(8)} µs` : `${((100 * micros) / total).toFixed(1).padStart(6)} %`;
    console.log(`  ${amount}  ${label}`);
  }
}

function main() {
  const args = process.argv.slice(2);
  const path = args.find((a) => !a.startsWith('--'));
  const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const top = Number(option('top') ?? 20);
  const per = option('per') === undefined ? undefined : Number(option('per'));
  const from = Number(option('from') ?? 0);
  const to = option('to') === undefined ? Infinity : Number(option('to'));
  if (!path || !Number.isInteger(top) || top < 1 || (per !== undefined && !(per > 0)) || !(from >= 0) || !(to > from)) {
    console.error('usage: node bench/profile-summary.js <file.cpuprofile | directory> [--top=20] [--per=N] [--from=S] [--to=S]');
    process.exit(2);
  }
  let files;
  try {
    files = profilesUnder(path);
  } catch (error) {
    console.error(`cannot read ${path}: ${error.message}`);
    process.exit(1);
  }
  if (files.length === 0) {
    console.error(`no .cpuprofile under ${path}`);
    process.exit(1);
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const summary = summarise(profile, { from, to });
    const busy = summary.total - (summary.places.get('(idle)') ?? 0);
    console.log(`\n${relative(process.cwd(), file)}: ${(summary.total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`);
    console.log(`  busy % per second: ${timeline(profile).join(' ')}`);
    const options = { total: summary.total, top, per };
    print('self time by place', summary.places, options);
    print('self time by function', summary.functions, options);
    print('time including callees', summary.inclusive, options);
  }
}

if (require.main === module) main();

module.exports = { summarise, placeOf, timeline };
