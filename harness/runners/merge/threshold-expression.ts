/**
 * A k6 threshold expression (`p(95)<500`, `rate<0.01`, `count>=0`) evaluated against
 * merged values, since a threshold judged per runner says nothing about the whole test.
 */
const EXPRESSION = /^\s*([a-z]+(?:\(\s*\d+(?:\.\d+)?\s*\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

export interface ParsedThreshold {
  aggregation: string;
  operator: string;
  value: number;
}

export function parseThresholdExpression(source: string): ParsedThreshold | undefined {
  const match = EXPRESSION.exec(source);
  if (!match) return undefined;
  return { aggregation: match[1].replace(/\s+/g, ''), operator: match[2], value: Number(match[3]) };
}

export function holds(actual: number, operator: string, value: number): boolean {
  switch (operator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '!=':
      return actual !== value;
    default:
      return actual === value;
  }
}
