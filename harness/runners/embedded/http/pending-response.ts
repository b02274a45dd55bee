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

export class PendingResponse<T> extends Promise<T> {
  declare readonly callName: string;

  // Chained promises (then/catch/finally) are plain promises: only the call's own result guards.
  static override get [Symbol.species]() {
    return Promise;
  }

  static from<T>(callName: string, promise: Promise<T>): PendingResponse<T> {
    const pending = new PendingResponse<T>((resolve, reject) => promise.then(resolve, reject));
    Object.defineProperty(pending, 'callName', { value: callName });
    return pending;
  }
}

for (const field of RESPONSE_FIELDS) {
  Object.defineProperty(PendingResponse.prototype, field, {
    get(this: PendingResponse<unknown>) {
      throw unawaitedCall(this.callName, field);
    },
  });
}
