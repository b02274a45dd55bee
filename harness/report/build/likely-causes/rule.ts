/**
 * One likely cause of a cell not doing what was configured or expected, read from the data
 * the cell recorded (like a lint rule reads the config). Each rule returns its cause with
 * the evidence, or nothing; `find-likely-causes.ts` runs them in order.
 */
import type { StageRecord } from '../../../run/run-record.ts';
import type { CellReport, LikelyCause, Measured } from '../../report-types.ts';
import { predictedSuccess } from '../prediction-check.ts';

export type CellFacts = Pick<CellReport, 'vantage' | 'failures' | 'proxy' | 'load' | 'prediction' | 'errorRate' | 'requests'>;

export interface CauseContext {
  cell: CellFacts;
  stage?: StageRecord;
  /** The other cells of the same stage (other vantages). */
  sameStage: CellFacts[];
  meshProfile: string;
}

export type CauseRule = (context: CauseContext) => LikelyCause | undefined;

/** A measured number, or undefined when it was not measured. */
export function num(measured: Measured): number | undefined {
  return measured.value === null ? undefined : measured.value;
}

export function observedSuccess(cell: CellFacts): number | undefined {
  return cell.errorRate.value ? 1 - cell.errorRate.value.rate : undefined;
}

/** Observed success compared with the model's prediction: -1 worse, 1 better, 0 same or unknown. */
export function againstPrediction(cell: CellFacts): -1 | 0 | 1 {
  const predicted = predictedSuccess(cell.prediction);
  const observed = observedSuccess(cell);
  if (predicted === undefined || observed === undefined || observed === predicted) return 0;
  return observed < predicted ? -1 : 1;
}
