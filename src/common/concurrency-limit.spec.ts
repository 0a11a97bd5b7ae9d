import { ConcurrencyLimit } from './concurrency-limit';

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

  it.each([0, -1, 1.5, Number.NaN])('should refuse a limit of %p', (value) => {
    expect(() => new ConcurrencyLimit(value)).toThrow(RangeError);
  });
});
