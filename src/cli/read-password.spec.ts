import { EventEmitter } from 'node:events';
import { CommandError } from './command-error';
import { PasswordInput, readNewPassword } from './read-password';

/** A terminal that types `keys` once the prompt asks, and records what was echoed and whether raw mode was left. */
function terminal(...keys: string[]) {
  const input = Object.assign(new EventEmitter(), {
    isTTY: true,
    rawMode: false,
    setRawMode(raw: boolean) {
      input.rawMode = raw;
      return input;
    },
    setEncoding: () => input,
    resume: () => input,
    pause: () => input,
  });
  let written = '';
  const output = {
    write(text: string) {
      written += text;
      // Each prompt gets the next line of keys, as a person types after reading it.
      if (text.endsWith(': ')) {
        setImmediate(() => input.emit('data', keys.shift() ?? ''));
      }
      return true;
    },
  };
  const source = { env: {}, input, output } as unknown as PasswordInput;
  return { source, input, echoed: () => written };
}

describe('readNewPassword', () => {
  it('should take BASTION_PASSWORD without asking', async () => {
    const { source, echoed } = terminal();

    await expect(readNewPassword({ ...source, env: { BASTION_PASSWORD: 'from the env' } })).resolves.toBe(
      'from the env',
    );
    expect(echoed()).toBe('');
  });

  it('should read the password typed twice without echoing it, and leave raw mode', async () => {
    const { source, input, echoed } = terminal('s3cret horsx\u007fe\r', 's3cret horse\r');

    await expect(readNewPassword(source)).resolves.toBe('s3cret horse');
    expect(echoed()).toBe('Password: \nPassword again: \n');
    expect(input.rawMode).toBe(false);
  });

  it('should refuse two different passwords', async () => {
    const { source } = terminal('one passphrase\r', 'another passphrase\r');

    await expect(readNewPassword(source)).rejects.toThrow(
      new CommandError('the two passwords differ; nothing was changed'),
    );
  });

  it('should stop on Ctrl-C', async () => {
    const { source, input } = terminal('half\u0003');

    await expect(readNewPassword(source)).rejects.toThrow(/cancelled/);
    expect(input.rawMode).toBe(false);
  });

  it('should refuse to wait for a password when stdin is not a terminal', async () => {
    const { source } = terminal();
    const piped = { ...source, input: { ...source.input, isTTY: false } } as PasswordInput;

    await expect(readNewPassword(piped)).rejects.toThrow(/set BASTION_PASSWORD, or run the command in a terminal/);
  });
});
