/**
 * Stops model calls for the rest of a run after `threshold` consecutive failed calls (each after its
 * retries), or at once after a spend-limit error. One breaker per run, shared by its skills.
 */
export class CircuitBreaker {
  #consecutive = 0;
  #openReason: string | null = null;

  constructor(readonly threshold: number) {}

  get open(): boolean {
    return this.#openReason !== null;
  }

  get reason(): string | null {
    return this.#openReason;
  }

  recordSuccess(): void {
    this.#consecutive = 0;
  }

  recordFailure(message: string): void {
    this.#consecutive += 1;
    if (this.#consecutive >= this.threshold)
      this.#openReason = `circuit breaker open after ${this.#consecutive} consecutive failed calls (last: ${message})`;
  }

  trip(reason: string): void {
    this.#openReason = `circuit breaker open: ${reason}`;
  }
}
