import type { ReadStream } from 'node:tty';
import type { Writable } from 'node:stream';
import { CommandError } from './command-error';

export const PASSWORD_VARIABLE = 'BASTION_PASSWORD';

/** What readPassword reads from: the real terminal, or a fake one in tests. */
export interface PasswordInput {
  env: Record<string, string | undefined>;
  input: Pick<ReadStream, 'isTTY' | 'setRawMode' | 'setEncoding' | 'on' | 'off' | 'resume' | 'pause'>;
  output: Pick<Writable, 'write'>;
}

const TERMINAL: PasswordInput = { env: process.env, input: process.stdin, output: process.stderr };

/**
 * A new password from BASTION_PASSWORD, or typed twice at the terminal without echo. Never from the command line:
 * every user of the machine can read another's arguments in `ps`.
 */
export async function readNewPassword({ env, input, output }: PasswordInput = TERMINAL): Promise<string> {
  const fromEnv = env[PASSWORD_VARIABLE];
  if (fromEnv) {
    return fromEnv;
  }
  if (!input.isTTY) {
    throw new CommandError(`no password: set ${PASSWORD_VARIABLE}, or run the command in a terminal to type it`);
  }
  const password = await promptHidden('Password: ', input, output);
  if ((await promptHidden('Password again: ', input, output)) !== password) {
    throw new CommandError('the two passwords differ; nothing was changed');
  }
  return password;
}

function promptHidden(prompt: string, input: PasswordInput['input'], output: PasswordInput['output']): Promise<string> {
  output.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      return error ? reject(error) : resolve(typed);
    };
    // Raw mode delivers keys as they are typed (a paste in one chunk); Ctrl-C arrives as a character, not a signal.
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n' || character === '\u0004') {
          return finish();
        }
        if (character === '\u0003') {
          return finish(new CommandError('cancelled; nothing was changed'));
        }
        typed = character === '\u007f' || character === '\b' ? [...typed].slice(0, -1).join('') : typed + character;
      }
    };
    input.on('data', onData);
  });
}
