#!/usr/bin/env node
// `bench` as an installed command: loads the TypeScript CLI through tsx in this same
// process, so a signal sent to `bench` reaches the CLI itself and nothing is left behind.
import { register } from 'tsx/esm/api';

register();
await import('./cli/main.ts');
