import { HttpException } from '@nestjs/common';

/** A 429 that knows when the client may retry: the error filter sends `retryAfterS` as `Retry-After`. */
export class RetryLater extends HttpException {
  constructor(
    body: Record<string, unknown>,
    readonly retryAfterS: number,
  ) {
    super(body, 429);
  }
}
