/** Exit codes of every `bench` command. */
export const EXIT = {
  /** Every stage met its expectations / the command did what was asked. */
  ok: 0,
  /** A stage missed its expectations, a significant regression, or a lint error. */
  failed: 1,
  /** Usage or configuration error: nothing ran. */
  usage: 2,
  /** The machine cannot run it as it stands: k6 missing, results folder not writable, cluster unreachable. */
  environment: 3,
  /** A bug (sysexits "internal software error"): printed with its stack. */
  internal: 70,
  /** Ctrl-C: finished results kept, target restored. */
  interrupted: 130,
} as const;
