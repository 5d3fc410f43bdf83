/**
 * Waits for an observable condition instead of a fixed time: polls `cond` every `everyMs` until it holds and
 * throws, naming `what`, once `timeoutMs` have passed (generous: a loaded CI machine only makes it take longer).
 * Resolves the milliseconds it waited.
 */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<number> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return Date.now() - start;
}

/**
 * Checks a throttle ("at most one event per `intervalMs`") from the client's side without depending on how
 * fast the machine is. `events` are the arrival times (Date.now()) of consecutive throttled events, all caused
 * by changes made at or after `start`. The server emits the first no earlier than `start` and each next one at
 * least `intervalMs` after the previous; delivery only adds delay. So the k-th (from 0) cannot arrive before
 * start + k × interval, however slow the machine; a broken throttle lets the second one arrive early.
 * Returns the offending events (empty when the throttle held).
 */
export function earlierThanThrottleAllows(
  start: number,
  arrivals: readonly number[],
  intervalMs: number,
  slackMs = 5,
): { index: number; afterStartMs: number; earliestMs: number }[] {
  return arrivals
    .map((at, index) => ({ index, afterStartMs: at - start, earliestMs: index * intervalMs - slackMs }))
    .filter((e) => e.afterStartMs < e.earliestMs);
}
