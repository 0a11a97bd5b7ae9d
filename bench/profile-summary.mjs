// `node bench/profile-summary.mjs <file.cpuprofile> [--top N] [--since-ms T] [--until-ms T]`: where the CPU time of a
// `node --cpu-prof` profile went, by package (self time of the functions each package defines) and by function. A time
// window narrows it to a phase, for instance the load phase after start-up.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    'since-ms': { type: 'string' },
    'until-ms': { type: 'string' },
  },
});
if (positionals.length !== 1) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N] [--since-ms T] [--until-ms T]');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

// a sample's time is the gap to the next sample; the window is measured from the profile's start
const sinceUs = options['since-ms'] === undefined ? -Infinity : Number(options['since-ms']) * 1000;
const untilUs = options['until-ms'] === undefined ? Infinity : Number(options['until-ms']) * 1000;
const selfUs = new Map();
let elapsedUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  if (elapsedUs >= sinceUs && elapsedUs < untilUs) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  elapsedUs += profile.timeDeltas[i] ?? 0;
}

function owner(url) {
  if (!url) {
    return '(native / engine)';
  }
  if (url.startsWith('node:')) {
    return '(node core)';
  }
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const [first, second] = url.slice(inModules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const inDist = url.lastIndexOf('/dist/');
  if (inDist >= 0) {
    return `bastion ${url.slice(inDist + 1)}`;
  }
  return url;
}

const parents = new Map();
for (const node of profile.nodes) {
  for (const child of node.children ?? []) {
    parents.set(child, node.id);
  }
}

const functionName = (callFrame, who) =>
  `${callFrame.functionName || '(anonymous)'}  ${who}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
const ownerOf = (callFrame) =>
  callFrame.functionName.startsWith('(') && !callFrame.url ? callFrame.functionName : owner(callFrame.url);

const byOwner = new Map();
const byFunction = new Map();
// inclusive: a function's time counts once per sample, however often it recurs in the stack
const byFunctionInclusive = new Map();
let totalUs = 0;
for (const [id, us] of selfUs) {
  const { callFrame } = nodes.get(id);
  const who = ownerOf(callFrame);
  byOwner.set(who, (byOwner.get(who) ?? 0) + us);
  const name = functionName(callFrame, who);
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parents.get(at)) {
    const frame = nodes.get(at).callFrame;
    const framed = functionName(frame, ownerOf(frame));
    if (!seen.has(framed)) {
      seen.add(framed);
      byFunctionInclusive.set(framed, (byFunctionInclusive.get(framed) ?? 0) + us);
    }
  }
  totalUs += us;
}

const top = Number(options.top);
const ms = (us) => (us / 1000).toFixed(1).padStart(9);
const share = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)} %`;
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms(us)} ms ${share(us)}  ${name}`);
  }
};
console.log(`profile: ${(elapsedUs / 1000).toFixed(0)} ms sampled, ${(totalUs / 1000).toFixed(0)} ms in the window`);
print('self time by package', byOwner);
print('self time by function', byFunction);
print('total time by function (itself and what it calls)', byFunctionInclusive);
