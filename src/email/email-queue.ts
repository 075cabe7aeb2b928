/**
 * Where delivery jobs wait: Bull on Redis (several processes share it) or this process's memory. A job only names a
 * delivery record; the record is what must be sent, so a lost job is re-created from it by the sweeper.
 */
export abstract class EmailQueue {
  /**
   * Asks for an attempt on the delivery after `delayMs`. `attempts` is how many attempts it has had: with the id it
   * names the job, so the same request twice (the sweeper and a slow queue) makes one job.
   */
  abstract enqueue(deliveryId: string, attempts: number, delayMs: number): Promise<void>;
}
