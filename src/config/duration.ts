const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses durations such as `90s`, `15m`, `12h`, `30d` (or a bare number of seconds) into seconds. */
export function parseDurationSeconds(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) {
    throw new Error(`"${text}" is not a duration (use a number with s, m, h or d, e.g. 15m)`);
  }
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
}
