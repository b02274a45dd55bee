/**
 * Every change the harness makes registers how to undo it *before* it is made; the undo
 * runs on success, failure and Ctrl-C, newest first. A failing undo does not stop the
 * others: the errors are collected and reported together, so mTLS is never left relaxed
 * because an unrelated cleanup failed first.
 */
export type Undo = () => Promise<void>;

export class UndoStack {
  private readonly entries: { description: string; undo: Undo }[] = [];
  private running: Promise<string[]> | undefined;

  push(description: string, undo: Undo): void {
    this.entries.push({ description, undo });
  }

  get size(): number {
    return this.entries.length;
  }

  /** Runs every undo once, newest first; returns the failures as messages. Safe to call twice. */
  unwindAll(): Promise<string[]> {
    this.running ??= this.unwind();
    return this.running;
  }

  private async unwind(): Promise<string[]> {
    const failures: string[] = [];
    while (this.entries.length > 0) {
      const entry = this.entries.pop()!;
      try {
        await entry.undo();
      } catch (error) {
        failures.push(`${entry.description}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }
}
