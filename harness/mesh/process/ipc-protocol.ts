/**
 * Messages between the LocalMesh handle (parent) and the mesh process (child). Requests
 * carry an id; each gets exactly one reply. Errors cross as plain data and become a
 * UserError again on the parent side when they were one.
 */
import type { ErrorCode } from '../../errors/error-codes.ts';
import type { IstioConfig } from '../../model/istio-objects.ts';
import type { AppBehaviour } from '../../model/plan.ts';
import type { LocalMeshOptions } from '../api.ts';

export type MeshRequest =
  | { method: 'start'; options: LocalMeshOptions }
  | { method: 'applyConfig'; config: IstioConfig; behaviour?: Record<string, Partial<AppBehaviour>> }
  | { method: 'waitForVersion'; version: number; timeoutMs: number }
  | { method: 'stats' }
  | { method: 'resetStats' }
  | { method: 'drainAccessLog' }
  | { method: 'stop' };

export type MeshRequestMessage = MeshRequest & { id: number };

export interface SerializedError {
  userError: boolean;
  code?: ErrorCode;
  /** Set for a batch of user errors (UserErrors): each one keeps its own code. */
  errors?: SerializedError[];
  message: string;
  fix?: string;
  location?: { file: string; line?: number; column?: number };
  stack?: string;
}

export type MeshReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedError };
