type Env = Record<string, string | undefined>;

/** Prefixes of our variables (the contract's list): an unknown variable that starts with one is a likely typo. */
const OUR_PREFIXES = [
  'JWT_',
  'ACCESS_TOKEN_',
  'REFRESH_TOKEN_',
  'DATABASE_',
  'REDIS_',
  'SMTP_',
  'MFA_',
  'RATE_LIMIT_',
  'CORS_',
];
/** Variables Kubernetes sets for every service of the namespace (a service `redis` gives REDIS_PORT, …): not typos. */
const SERVICE_LINK = /_(SERVICE_HOST|SERVICE_PORT(_\w+)?|PORT(_\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)?)$/;

/**
 * The environment as loadConfig sees it, noting every name it asks for: the names asked for are the known variables,
 * so a variable added to loadConfig is known without a list to keep in step.
 */
export function recordingReads(env: Env): { env: Env; names: Set<string> } {
  const names = new Set<string>();
  const recorded = new Proxy(env, {
    get: (target, name) => {
      if (typeof name === 'string') {
        names.add(name);
      }
      return target[name as string];
    },
  });
  return { env: recorded, names };
}

/**
 * A problem for every set variable that is not ours but looks like it: a near miss of a known name (JWT_ALGORTHM,
 * jwt_algorithm) or an unknown name with one of our prefixes. Silently ignoring it would run with the default.
 */
export function unknownVariableProblems(env: Env, known: ReadonlySet<string>): string[] {
  return Object.keys(env)
    .filter((name) => env[name] !== undefined && !known.has(name) && !SERVICE_LINK.test(name))
    .flatMap((name) => {
      const suggestion = closestKnown(name, known);
      if (suggestion) {
        return [`${name}: not a variable of this service; did you mean ${suggestion}? Rename or unset it`];
      }
      return OUR_PREFIXES.some((prefix) => name.startsWith(prefix))
        ? [`${name}: not a variable of this service (see the configuration table); rename or unset it`]
        : [];
    });
}

function closestKnown(name: string, known: ReadonlySet<string>): string | undefined {
  const upper = name.toUpperCase();
  // Short names (PORT, HOST) are too close to unrelated ones (HOME) to guess from.
  const tolerance = upper.length >= 12 ? 2 : upper.length >= 6 ? 1 : 0;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(upper, candidate);
    if (distance <= tolerance && (!best || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) {
    rows[0][j] = j;
  }
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}
