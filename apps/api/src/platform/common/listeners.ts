/**
 * In-process fan-out: listeners run in the order they were added. The event has already happened (a commit), so
 * a listener that throws stops neither the others nor the emitter; its error goes to `onError`.
 */
export class Listeners<T> {
  private readonly list: ((event: T) => void)[] = [];

  constructor(private readonly onError: (err: unknown) => void) {}

  add(listener: (event: T) => void): void {
    this.list.push(listener);
  }

  emit(event: T): void {
    for (const l of this.list) {
      try {
        l(event);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
