/**
 * Where delivery jobs wait: Bull on Redis (several processes share it) or this process's memory. A job only names a
 * delivery record; the record is what must be sent, so the sweeper delivers what a lost job leaves behind.
 */
export abstract class EmailQueue {
  /** Asks for an attempt on the delivery after `delayMs`. `attempts` is how many attempts it has had so far. */
  abstract enqueue(deliveryId: string, attempts: number, delayMs: number): Promise<void>;

  /**
   * Resolves when the queue can take another delivery without outrunning delivery; a sender waits for it before it
   * writes its link. Bull's queue lives in Redis and is always ready.
   */
  room(): Promise<void> {
    return Promise.resolve();
  }
}
