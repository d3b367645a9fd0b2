// The run's figures as a small two-column table, for the console and for the notes.
export type FigureRows = Array<[label: string, value: string | number]>;

export function formatFigures(title: string, rows: FigureRows): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  return [`\n${title}`, ...lines, ''].join('\n');
}
