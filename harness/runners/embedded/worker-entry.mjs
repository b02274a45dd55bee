/**
 * Worker-thread entry: a worker does not inherit the TypeScript loader the harness runs
 * under, so register tsx here (the project runs its TypeScript through tsx) and load the
 * TypeScript worker.
 */
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
