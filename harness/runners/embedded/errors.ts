/**
 * Errors thrown inside a running script that the runtime treats specially: the
 * portability rules (await every k6 call, no unsupported APIs) stop the whole run with a
 * clear message instead of failing iteration after iteration; interrupts and
 * exec.test.abort() unwind an iteration without counting it.
 */
export const ENGINE_K6_FIX = 'run it on real k6 with --engine k6, or change the scenario';

/** The scenario breaks a portability rule or uses an API the embedded runtime lacks. */
export class PortabilityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortabilityError';
  }
}

/** A VU was stopped at the end of gracefulStop (or the run was aborted) mid-iteration. */
export class IterationInterrupted extends Error {
  constructor() {
    super('iteration interrupted');
    this.name = 'IterationInterrupted';
  }
}

/** exec.test.abort(): stops the test, exit code 108. */
export class TestAborted extends Error {
  constructor(reason: string) {
    super(reason === '' ? 'test aborted' : `test aborted: ${reason}`);
    this.name = 'TestAborted';
  }
}

export function unsupportedApi(api: string): PortabilityError {
  return new PortabilityError(`${api} is not supported by the embedded k6 runtime; ${ENGINE_K6_FIX}`);
}

/** Reading a response field off the Promise an embedded k6 call returns. */
export function unawaitedCall(call: string, field: string): PortabilityError {
  return new PortabilityError(
    `read .${String(field)} of the Promise returned by ${call}: on the embedded runtime k6 calls return promises, ` +
      `so portable scenarios await every k6 call (\`const res = await ${call}\`; on k6 awaiting a plain value is a no-op)`,
  );
}
