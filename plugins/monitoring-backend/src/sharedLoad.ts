/**
 * One load in flight at a time: callers arriving while it runs share its promise (the cache
 * serves them once it has settled). `forget()` lets the next caller start a fresh load, e.g.
 * after the data changed; the older load then no longer clears the newer one.
 */
export class SharedLoad<T> {
  private current?: Promise<T>;

  run(load: () => Promise<T>): Promise<T> {
    if (!this.current) {
      const loading = load().finally(() => {
        if (this.current === loading) this.current = undefined;
      });
      this.current = loading;
    }
    return this.current;
  }

  forget(): void {
    this.current = undefined;
  }
}
