import { ConcurrencyLimit, QueueFullError } from './concurrency-limit';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('should run no more than the limit at once and start the waiting ones in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, index) =>
      limit.run(async () => {
        started.push(index);
        await gate.promise;
        return index;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect([limit.active, limit.queued]).toEqual([2, 2]);

    gates[1].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);

    gates[0].resolve();
    gates[2].resolve();
    gates[3].resolve();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
    expect([limit.active, limit.queued]).toEqual([0, 0]);
  });

  it('should free the slot of a task that fails and pass its error on', async () => {
    const limit = new ConcurrencyLimit(1);
    const failing = limit.run(() => Promise.reject(new Error('hash failed')));
    const next = limit.run(() => Promise.resolve('ran'));

    await expect(failing).rejects.toThrow('hash failed');
    await expect(next).resolves.toBe('ran');
    expect(limit.active).toBe(0);
  });

  it('should not let a newcomer overtake a task already waiting', async () => {
    const limit = new ConcurrencyLimit(1);
    const first = deferred();
    const order: string[] = [];
    const a = limit.run(async () => {
      await first.promise;
      order.push('a');
    });
    const b = limit.run(() => {
      order.push('b');
      return Promise.resolve();
    });
    first.resolve();
    await a;
    const c = limit.run(() => {
      order.push('c');
      return Promise.resolve();
    });
    await Promise.all([b, c]);

    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('should refuse a task at once when the queue is full, and take tasks again once it has room', async () => {
    const limit = new ConcurrencyLimit(1, 1);
    const gate = deferred();
    const running = limit.run(() => gate.promise);
    const waiting = limit.run(() => Promise.resolve('waited'));
    const task = jest.fn(() => Promise.resolve());

    await expect(limit.run(task)).rejects.toThrow(QueueFullError);
    expect(task).not.toHaveBeenCalled();
    expect([limit.active, limit.queued]).toEqual([1, 1]);
    gate.resolve();
    await expect(Promise.all([running, waiting])).resolves.toEqual([undefined, 'waited']);
    await expect(limit.run(() => Promise.resolve('room'))).resolves.toBe('room');
  });

  it('should run a task at once without a queue when a slot is free, even with a bound of 0', async () => {
    await expect(new ConcurrencyLimit(1, 0).run(() => Promise.resolve(7))).resolves.toBe(7);
  });

  it.each([-1, 1.5, Number.NaN])('should refuse a queue bound of %p', (value) => {
    expect(() => new ConcurrencyLimit(1, value)).toThrow(RangeError);
  });

  it.each([0, -1, 1.5, Number.NaN])('should refuse a limit of %p', (value) => {
    expect(() => new ConcurrencyLimit(value)).toThrow(RangeError);
  });
});
