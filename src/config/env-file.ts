import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError } from './load-config';

type Env = Record<string, string | undefined>;

/** The file development reads its variables from, in the working directory. */
export const ENV_FILE = '.env';

// NAME=value, optionally after `export `; a quoted value closes on its line and may be followed by a comment.
const ASSIGNMENT = /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*((["'`])((?!\3).)*\3\s*(#.*)?|[^"'`\s].*|)$/;
const BLANK_OR_COMMENT = /^\s*(#.*)?$/;

/**
 * Sets each variable of `.env` that the environment leaves unset, so the real environment wins. Only in development
 * (NODE_ENV unset or `development`): production takes its settings from its environment and secret store alone, so a
 * stray file in an image cannot change them, and tests set their own.
 */
export function loadEnvFile(env: Env, path = ENV_FILE): void {
  if (!['', 'development'].includes(env.NODE_ENV ?? '') || !existsSync(path)) {
    return;
  }
  for (const [name, value] of Object.entries(parseEnvFile(readFileSync(path, 'utf8'), path))) {
    env[name] ??= value;
  }
}

/** The variables of a `.env` text; a line that is not one NAME=value, a comment or blank is an error naming it. */
export function parseEnvFile(text: string, path = ENV_FILE): Record<string, string> {
  const variables: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (BLANK_OR_COMMENT.test(line)) {
      return;
    }
    if (!ASSIGNMENT.test(line)) {
      // The line itself is not repeated: it may hold a secret.
      problems.push(`${path} line ${index + 1}: not NAME=value (one per line; a quoted value must close on its line)`);
      return;
    }
    // One line at a time, so that a value can never run on into the next line, as parseEnv lets quoted ones do.
    Object.assign(variables, parseEnv(line));
  });
  if (variables.NODE_ENV !== undefined && !['', 'development'].includes(variables.NODE_ENV)) {
    problems.push(`${path}: NODE_ENV=${variables.NODE_ENV} must be set in the real environment, which ${path} is not`);
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return variables;
}
