/**
 * Runs tasks for the same key one after another, in arrival order; different keys run freely.
 * Serialises the turns of one conversation inside this process (version-checked writes catch
 * the rare overlap between processes).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow without bound.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
