/**
 * What the expected-outcome model predicts for one stage seen from one vantage. The
 * model (`expected-outcome.ts`) computes it from the stage's Istio objects, the mesh
 * profile and the workload's declared behaviour; the report compares it with what was
 * measured.
 */
import type { VantageName } from '../../model/plan.ts';

export interface Prediction {
  vantage: VantageName;
  /** False when no closed form exists (e.g. circuit breaking under load): only `notes` apply. */
  modelled: boolean;
  /** Probability that one request gets a 2xx/3xx answer, as a closed form when modelled. */
  successProbability?: number;
  /** When only bounds are known. */
  successBounds?: { min: number; max: number };
  /** Probability that a request gets no HTTP answer at all (e.g. STRICT vs plaintext). */
  networkErrorProbability?: number;
  /** The formula used, human readable, e.g. "1 - 0.5^(10+1)". */
  formula: string;
  /** Why: which policy applies on this path and which does not. */
  notes: string[];
}
