/**
 * Plain-text table with aligned columns, for terminals. A per-cell `paint` (colour) is
 * applied after padding so escape sequences never skew the alignment.
 */
export function renderTable(header: string[], rows: { cells: string[]; paint?: (column: number, padded: string) => string }[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row.cells[column]?.length ?? 0)));
  const line = (cells: string[], paint?: (column: number, padded: string) => string) =>
    cells
      .map((text, column) => {
        const padded = column === cells.length - 1 ? text : text.padEnd(widths[column]);
        return paint ? paint(column, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map((row) => line(row.cells, row.paint))];
}

