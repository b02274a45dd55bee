/**
 * The Promise an embedded http call returns. On k6 the same call returns the Response
 * itself, so a script that forgets `await` works there and silently reads `undefined`
 * here; reading a Response field off this Promise throws instead, naming the rule.
 */
import { unawaitedCall } from '../errors.ts';

const RESPONSE_FIELDS = [
  'status',
  'status_text',
  'body',
  'headers',
  'timings',
  'error',
  'error_code',
  'url',
  'proto',
  'request',
  'cookies',
  'remote_ip',
  'remote_port',
  'json',
  'html',
];

const ignore = () => {};

export class PendingResponse<T> extends Promise<T> {
  readonly #callName: string;

  // Chained promises (then/catch/finally) are plain promises: only the call's own result guards.
  static override get [Symbol.species]() {
    return Promise;
  }

  /**
   * The promise of one call, settled by `start` through the callbacks it is given (no
   * intermediate promise per request). A rejection nobody awaits, such as an un-awaited
   * call whose VU gets interrupted, must not crash the process, so one is always handled.
   */
  static start<T>(callName: string, start: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void): PendingResponse<T> {
    const pending = new PendingResponse<T>(callName, start);
    pending.then(undefined, ignore);
    return pending;
  }

  static from<T>(callName: string, promise: Promise<T>): PendingResponse<T> {
    return PendingResponse.start<T>(callName, (resolve, reject) => promise.then(resolve, reject));
  }

  private constructor(callName: string, executor: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void) {
    super(executor);
    this.#callName = callName;
  }

  static {
    for (const field of RESPONSE_FIELDS) {
      Object.defineProperty(PendingResponse.prototype, field, {
        get(this: PendingResponse<unknown>) {
          throw unawaitedCall(this.#callName, field);
        },
      });
    }
  }
}
