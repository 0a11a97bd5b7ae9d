import { capturedLog } from '../../test/doubles/captured-log';
import { lazyChildLogger } from './lazy-child-logger';

function capture() {
  const { logger: parent, parsed } = capturedLog({ level: 'warn', format: 'json' });
  return { parent, lines: parsed, childSpy: jest.spyOn(parent, 'child') };
}

describe('lazyChildLogger', () => {
  it('should make no child logger for a request that writes no line', () => {
    const { parent, childSpy } = capture();

    const requestLog = lazyChildLogger(parent, { reqId: 'r-1' }, {});
    requestLog.info('below the level anyway');

    expect(requestLog.level).toBe('warn');
    expect(childSpy).not.toHaveBeenCalled();
  });

  it('should write the lines of a request with its bindings, redacted like every line', () => {
    const { parent, lines } = capture();
    const requestLog = lazyChildLogger(parent, { reqId: 'r-2' }, {});

    requestLog.warn({ body: { password: 'SECRET' } }, 'first');
    requestLog.error('second');

    expect(lines()).toEqual([
      expect.objectContaining({ reqId: 'r-2', msg: 'first', body: { password: '[redacted]' } }),
      expect.objectContaining({ reqId: 'r-2', msg: 'second', level: 'error' }),
    ]);
  });

  it('should make its child once, and children of its own with both bindings', () => {
    const { parent, lines, childSpy } = capture();
    const requestLog = lazyChildLogger(parent, { reqId: 'r-3' }, {});

    requestLog.warn('one');
    requestLog.warn('two');
    expect(childSpy).toHaveBeenCalledTimes(1);
    requestLog.child({ plugin: 'p' }).warn('three');

    expect(lines()[2]).toMatchObject({ reqId: 'r-3', plugin: 'p', msg: 'three' });
  });
});
