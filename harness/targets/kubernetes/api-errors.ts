/**
 * Reading the API server's refusals. @kubernetes/client-node throws `ApiException` with
 * the raw Status JSON as its body (undefined on 401); a connection failure is a plain
 * error with a `code` such as ECONNREFUSED. Callers branch on the HTTP code and the
 * Status `reason` (NotFound, AlreadyExists, Conflict, Forbidden, Invalid).
 */
import { ApiException } from '@kubernetes/client-node';

export interface ApiFailure {
  /** HTTP status, or undefined when no answer came back. */
  status?: number;
  reason?: string;
  message: string;
  /** Status.details.causes (field manager conflicts list one per field). */
  causes: { reason?: string; message?: string; field?: string }[];
}

export function apiFailure(error: unknown): ApiFailure {
  if (error instanceof ApiException) {
    const body = parseBody(error.body);
    return {
      status: error.code,
      reason: typeof body?.reason === 'string' ? body.reason : undefined,
      message: typeof body?.message === 'string' ? body.message : `HTTP ${error.code}`,
      causes: Array.isArray(body?.details?.causes) ? body.details.causes : [],
    };
  }
  const status = (error as { statusCode?: number })?.statusCode;
  return { status: typeof status === 'number' ? status : undefined, message: networkMessage(error), causes: [] };
}

export function isNotFound(error: unknown): boolean {
  return apiFailure(error).status === 404;
}

export function isConflict(error: unknown): boolean {
  return apiFailure(error).status === 409;
}

function parseBody(body: unknown): { reason?: unknown; message?: unknown; details?: { causes?: unknown } } | undefined {
  if (typeof body === 'object' && body !== null) return body as never;
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `connect ECONNREFUSED 127.0.0.1:6443` rather than a nested fetch error. */
function networkMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const parts = [error.message];
  if (cause instanceof Error && !error.message.includes(cause.message)) parts.push(cause.message);
  const code = (error as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
  if (code && !parts.some((p) => p.includes(code))) parts.push(code);
  return parts.join(': ');
}
