import type { DeliveryOutcome, EmailDeliveryService } from './email-delivery.service.js';
import { InProcessEmailQueue } from './in-process-email.queue.js';

/** Deliveries that end only when the test says so: a full round of batches stays busy until then. */
function heldDeliveries(capacity: number) {
  const running: (() => void)[] = [];
  const service = {
    capacity,
    deliver: () => new Promise<DeliveryOutcome>((resolve) => running.push(() => resolve({ retry: false }))),
  };
  return { service: service as unknown as EmailDeliveryService, finishOne: () => running.shift()!() };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('InProcessEmailQueue.room', () => {
  it('makes a sender wait while more deliveries wait than a round of batches takes, until one is taken', async () => {
    const { service, finishOne } = heldDeliveries(2);
    const queue = new InProcessEmailQueue(service);
    // Two running and two waiting for a turn: the queue is full.
    for (const id of ['d1', 'd2', 'd3', 'd4']) await queue.enqueue(id, 0, 0);
    await turn();
    let admitted = false;
    void queue.room().then(() => (admitted = true));
    await turn();
    expect(admitted).toBe(false);

    finishOne();
    await turn();
    expect(admitted).toBe(true);
  });

  it('lets a sender through at once while there is room, and after a bounded wait when there is none', async () => {
    const { service } = heldDeliveries(1);
    const queue = new InProcessEmailQueue(service);
    await expect(queue.room()).resolves.toBeUndefined();
    for (const id of ['d1', 'd2']) await queue.enqueue(id, 0, 0);
    await turn();
    const started = Date.now();
    await queue.room();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
