import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD, ROOT, sleep } from './common.mjs';
import { postJson, request } from './http.mjs';
import { HAS_TASKSET, spawnBaseline, spawnBastion, stop } from './processes.mjs';

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

const statFields = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
};
const ticksToMicros = (ticks) => (ticks * 1e6) / CLK_TCK;

// utime + stime from /proc, in microseconds
export function cpuMicros(pid) {
  const fields = statFields(pid);
  return ticksToMicros(fields[11] + fields[12]);
}

export const parentPid = (pid) => statFields(pid)[1];

// a process and its children, the exited ones too: once reaped, their time is in the parent's cutime and cstime
function treeMicros(pid) {
  const fields = statFields(pid);
  let total = ticksToMicros(fields[11] + fields[12] + fields[13] + fields[14]);
  for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean)) {
    try {
      total += cpuMicros(child);
    } catch {
      // exited since the listing
    }
  }
  return total;
}

// busy time of all CPUs (user, nice, system, irq, softirq), in microseconds
function machineBusyMicros() {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return ticksToMicros(user + nice + system + irq + softirq);
}

/**
 * Starts measuring where the machine's CPU goes. The function returned splits what was used since between the servers
 * (CPU µs), the load generator (this process), the database (the process tree of `databasePid`, when it runs here)
 * and everything else on the machine (Redis, idle bench processes, anyone else's work), the last three in cores.
 */
export function cpuMeter(serverPids, databasePid = null) {
  const snapshot = () => ({
    at: performance.now(),
    machine: machineBusyMicros(),
    servers: serverPids.reduce((total, pid) => total + cpuMicros(pid), 0),
    load: process.cpuUsage(),
    database: databasePid === null ? 0 : treeMicros(databasePid),
  });
  const before = snapshot();
  return () => {
    const after = snapshot();
    const wallUs = (after.at - before.at) * 1000;
    const { user, system } = process.cpuUsage(before.load);
    const serverUs = after.servers - before.servers;
    const databaseUs = after.database - before.database;
    return {
      serverUs,
      loadCores: (user + system) / wallUs,
      databaseCores: databasePid === null ? null : databaseUs / wallUs,
      otherCores: (after.machine - before.machine - serverUs - user - system - databaseUs) / wallUs,
    };
  };
}

export function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakRssMiB: round1(kib('VmHWM') / 1024), rssMiB: round1(kib('VmRSS') / 1024) };
  } catch {
    return { peakRssMiB: null, rssMiB: null };
  }
}
const round1 = (n) => Math.round(n * 10) / 10;

export const median = (numbers) => {
  if (numbers.length === 0) {
    return null;
  }
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// nearest rank over sorted milliseconds, returned in microseconds
export function percentileUs(sorted, p) {
  if (sorted.length === 0) {
    return null;
  }
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 1000);
}

// pinned to the servers' core while they are idle, so login can be compared with what that core can hash; one hash
// at a time and four at once (they thrash each other's 19 MiB), and the better of the two is the machine's rate
export function argon2Rate(seconds) {
  const script = join(ROOT, 'bench', 'argon2-rate.mjs');
  const rates = [1, 4].map((concurrency) => {
    const args = [script, String(seconds), String(concurrency)];
    const output = HAS_TASKSET
      ? execFileSync('taskset', ['-c', '0', process.execPath, ...args], { cwd: ROOT, timeout: 60_000 })
      : execFileSync(process.execPath, args, { cwd: ROOT, timeout: 60_000 });
    return JSON.parse(output.toString().trim().split('\n').pop());
  });
  const best = rates.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  return { ...best, byConcurrency: rates.map(({ concurrency, perSecond }) => ({ concurrency, perSecond })) };
}

// VmRSS every 100 ms while the scenarios run: the memory under load, without the start-up peak that VmHWM includes
export function sampleRss(pid) {
  let maxMiB = 0;
  const timer = setInterval(() => {
    maxMiB = Math.max(maxMiB, memory(pid).rssMiB ?? 0);
  }, 100);
  return () => {
    clearInterval(timer);
    return maxMiB;
  };
}

// a token minted by an earlier instance on the same database, so the keys must be loaded before the first 200
export async function coldStartBastion(port, databaseUrl, token, entry = 'main.js') {
  const started = performance.now();
  const child = spawnBastion(port, databaseUrl, { entry });
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`Bastion exited during cold start: ${child.stderrTail}`);
      }
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/users/me`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(2000),
        });
        await response.arrayBuffer();
        if (response.status === 200) {
          return (performance.now() - started) / 1000;
        }
        if (response.status !== 503) {
          throw new Error(`cold start: GET /users/me answered ${response.status}`);
        }
      } catch (error) {
        if (error.message?.startsWith('cold start')) {
          throw error;
        }
      }
      await sleep(5);
    }
    throw new Error('cold start: no 200 within 30 s');
  } finally {
    await stop(child);
  }
}

// the baseline has no stored keys, so its token has to come from its own /login
export async function coldStartBaseline(port) {
  const started = performance.now();
  const child = spawnBaseline(port);
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const login = await postJson(`http://127.0.0.1:${port}/login`, {
          email: 'cold@example.com',
          password: PASSWORD,
        });
        const me = await request(`http://127.0.0.1:${port}/users/me`, {
          headers: { authorization: `Bearer ${login.body.accessToken}` },
        });
        if (me.status === 200) {
          return (performance.now() - started) / 1000;
        }
      } catch {
        // not listening yet
      }
      await sleep(5);
    }
    throw new Error('baseline cold start: no 200 within 30 s');
  } finally {
    await stop(child);
  }
}
