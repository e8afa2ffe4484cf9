/**
 * `work`, or a rejection with `timeoutError(ms)` when it has not settled within `ms`. The timer is
 * cleared either way, so a finished request leaves none behind. `work` itself is not cancelled.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, timeoutError: (ms: number) => Error = (limit) => new Error(`no answer within ${limit} ms`)): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
