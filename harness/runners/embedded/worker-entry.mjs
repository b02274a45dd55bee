/**
 * Worker-thread entry when the bundled worker (run-in-worker.ts) could not be built: a
 * worker does not inherit the TypeScript loader the harness runs under, so register tsx
 * here (the project runs its TypeScript through tsx) and load the TypeScript worker.
 */
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
