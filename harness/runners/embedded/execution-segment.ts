/**
 * k6's execution segments (`--execution-segment 1/4:1/2`, `--execution-segment-sequence
 * 0,1/4,1/2,3/4,1`), split exactly as k6's lib/execution_segment.go splits them, so that
 * N instances together run the iterations and VUs of one unsplit run, each exactly once:
 *
 * - the sequence is filled to cover 0..1 around the segment (no sequence: 0:from,
 *   from:to, to:1), and the segment must be one of its parts;
 * - global indices 0..lcd-1 (lcd: least common denominator of the parts' lengths) are
 *   striped over the parts, biggest part first; a part owns index i when i mod lcd is
 *   one of its stripes (arrival-rate iterations, ramping VUs);
 * - a whole number (VUs, iterations) is scaled by counting the owned indices below it,
 *   so the parts' shares always add up to it.
 */
import { UserError } from '../../errors/user-error.ts';

interface Fraction {
  num: number;
  den: number;
}

export interface ExecutionTuple {
  /** The parts of the filled sequence, as fractions of the whole run. */
  parts: Fraction[];
  index: number;
  lcd: number;
  /** Indices in [0, lcd) owned by each part, ascending. */
  stripes: number[][];
}

const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
const fraction = (num: number, den: number): Fraction => {
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g };
};
const compare = (a: Fraction, b: Fraction) => a.num * b.den - b.num * a.den;
const minus = (a: Fraction, b: Fraction) => fraction(a.num * b.den - b.num * a.den, a.den * b.den);

/** "1/4", "25%", "0.25", "1" → a fraction in [0, 1]. */
export function parseFraction(text: string, what: string): Fraction {
  const value = text.trim();
  let result: Fraction | undefined;
  const ratio = /^(\d+)\/(\d+)$/.exec(value);
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (ratio && Number(ratio[2]) > 0) result = fraction(Number(ratio[1]), Number(ratio[2]));
  else if (percent) result = decimal(percent[1], 100);
  else if (/^\d+(?:\.\d+)?$/.test(value)) result = decimal(value, 1);
  if (!result || result.num > result.den) throw invalid(`${what} "${text}" is not a fraction between 0 and 1`);
  return result;
}

function decimal(text: string, scale: number): Fraction {
  const [whole, frac = ''] = text.split('.');
  const den = 10 ** frac.length * scale;
  return fraction(Number(whole + frac), den);
}

function parseSegment(text: string): { from: Fraction; to: Fraction } {
  const pieces = text.split(':');
  if (pieces.length > 2) throw invalid(`execution segment "${text}" is not "from:to"`);
  const from = pieces.length === 2 ? parseFraction(pieces[0], 'execution segment start') : fraction(0, 1);
  const to = parseFraction(pieces[pieces.length - 1], 'execution segment end');
  if (compare(from, to) >= 0) throw invalid(`execution segment "${text}" is empty: its start is not below its end`);
  return { from, to };
}

function parseSequence(text: string): Fraction[] {
  const points = text.split(',').map((p) => parseFraction(p, 'execution segment sequence point'));
  if (points.length < 2) throw invalid(`execution segment sequence "${text}" needs at least two points`);
  for (let i = 1; i < points.length; i++) {
    if (compare(points[i - 1], points[i]) >= 0) throw invalid(`execution segment sequence "${text}" must be strictly increasing`);
  }
  return points;
}

/** The tuple for a segment and an optional sequence; undefined when the run is not split. */
export function executionTuple(segment?: string, sequence?: string): ExecutionTuple | undefined {
  if (!segment && !sequence) return undefined;
  const seg = segment ? parseSegment(segment) : { from: fraction(0, 1), to: fraction(1, 1) };
  let points = sequence ? parseSequence(sequence) : [seg.from, seg.to];
  if (compare(points[0], fraction(0, 1)) !== 0) points = [fraction(0, 1), ...points];
  if (compare(points[points.length - 1], fraction(1, 1)) !== 0) points = [...points, fraction(1, 1)];
  const index = points.findIndex((p, i) => i < points.length - 1 && compare(p, seg.from) === 0 && compare(points[i + 1], seg.to) === 0);
  if (index < 0) {
    throw invalid(`execution segment "${segment}" is not part of the sequence "${points.map((p) => `${p.num}/${p.den}`).join(',')}"`);
  }
  const parts = points.slice(1).map((p, i) => minus(p, points[i]));
  return { parts, index, ...stripe(parts) };
}

/** k6's striping: each index goes to the biggest part that is due for one. */
function stripe(parts: Fraction[]): { lcd: number; stripes: number[][] } {
  const lcd = parts.reduce((acc, p) => (acc * p.den) / gcd(acc, p.den), 1);
  const order = parts.map((p, index) => ({ normalized: p.num * (lcd / p.den), index }));
  order.sort((a, b) => b.normalized - a.normalized); // stable: equal parts keep their order
  const chosen = order.map(() => 0);
  const stripes: number[][] = parts.map(() => []);
  for (let i = 0; i < lcd; i++) {
    for (let s = 0; s < order.length; s++) {
      const num = chosen[s] * lcd;
      const den = order[s].normalized;
      const quotient = Math.floor(num / den);
      if (i > quotient || (i === quotient && num % den === 0)) {
        chosen[s]++;
        stripes[order[s].index].push(i);
        break;
      }
    }
  }
  return { lcd, stripes };
}

/** Does this segment own global index `i` (0-based)? */
export function owns(tuple: ExecutionTuple | undefined, i: number): boolean {
  if (!tuple || tuple.parts.length === 1) return true;
  return tuple.stripes[tuple.index].includes(i % tuple.lcd);
}

/** k6's ExecutionTuple.ScaleInt64: this segment's share of a whole number. */
export function scaleInt(tuple: ExecutionTuple | undefined, value: number): number {
  if (!tuple || tuple.parts.length === 1) return value;
  return scaleAt(tuple, tuple.index, value);
}

function scaleAt(tuple: ExecutionTuple, index: number, value: number): number {
  const own = tuple.stripes[index];
  const rest = value % tuple.lcd;
  return Math.floor(value / tuple.lcd) * own.length + own.filter((i) => i < rest).length;
}

/**
 * shared-iterations: k6 first re-segments by the VUs (each part's share of them), then
 * scales the iterations by that sequence, so a part without VUs gets no iterations.
 */
export function scaleSharedIterations(tuple: ExecutionTuple | undefined, vus: number, iterations: number): number {
  if (!tuple || tuple.parts.length === 1) return iterations;
  if (vus % tuple.lcd === 0) return scaleAt(tuple, tuple.index, iterations);
  const shares = tuple.parts.map((_p, i) => scaleAt(tuple, i, vus));
  if (shares[tuple.index] === 0) return 0;
  const kept = shares.map((share, i) => ({ share, i })).filter((s) => s.share > 0);
  const parts = kept.map((s) => fraction(s.share, vus));
  const index = kept.findIndex((s) => s.i === tuple.index);
  return scaleAt({ parts, index, ...stripe(parts) }, index, iterations);
}

/** "1/4:1/2" as k6 prints a segment. */
export function describeSegment(tuple: ExecutionTuple): string {
  let from = fraction(0, 1);
  for (let i = 0; i < tuple.index; i++) from = fraction(from.num * tuple.parts[i].den + tuple.parts[i].num * from.den, from.den * tuple.parts[i].den);
  const to = fraction(from.num * tuple.parts[tuple.index].den + tuple.parts[tuple.index].num * from.den, from.den * tuple.parts[tuple.index].den);
  const text = (f: Fraction) => (f.den === 1 ? String(f.num) : `${f.num}/${f.den}`);
  return `${text(from)}:${text(to)}`;
}

function invalid(message: string): UserError {
  return new UserError({ code: 'K6_INVALID_CONFIG', message, fix: 'write segments as k6 does: --execution-segment 1/4:1/2 --execution-segment-sequence 0,1/4,1/2,3/4,1' });
}
