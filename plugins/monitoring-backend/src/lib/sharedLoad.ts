/**
 * Loads in flight, by key: callers arriving while a load for their key runs share its promise
 * (the cache serves them once it has settled; nothing is kept here after that). `forget(key)`
 * lets the next caller start a fresh load, e.g. after the data changed; the older load then no
 * longer clears the newer one.
 */
export class SharedLoad<T> {
  private readonly current = new Map<string, Promise<T>>();

  run(load: () => Promise<T>, key = ''): Promise<T> {
    let loading = this.current.get(key);
    if (!loading) {
      const started = load().finally(() => {
        if (this.current.get(key) === started) this.current.delete(key);
      });
      loading = started;
      this.current.set(key, loading);
    }
    return loading;
  }

  forget(key = ''): void {
    this.current.delete(key);
  }
}
