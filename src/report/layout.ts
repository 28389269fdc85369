/**
 * A minimal terminal table: columns sized to their content, the flexible ones
 * shrunk (with an ellipsis) until the table fits the width. Cells arrive
 * already stripped of control characters; colour is applied after padding so
 * escape sequences never count towards a column's width.
 */
import { displayWidth, pad, truncate } from './escape.ts';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Shrinkable down to this many columns; omit for a column that must not be cut. */
  min?: number;
}

export type Style = (text: string) => string;

export interface Cell {
  text: string;
  style?: Style;
}

const GAP = '  ';

function columnWidths(columns: readonly Column[], rows: readonly Cell[][], width: number): number[] {
  const widths = columns.map((c, i) =>
    Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i]?.text ?? ''))),
  );
  let total = widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1);
  while (total > width) {
    // Take one column at a time from whichever flexible column has the most to give.
    let best = -1;
    let slack = 0;
    columns.forEach((c, i) => {
      const give = c.min === undefined ? 0 : (widths[i] ?? 0) - Math.max(c.min, displayWidth(c.header));
      if (give > slack) {
        slack = give;
        best = i;
      }
    });
    if (best < 0) break;
    widths[best] = (widths[best] ?? 0) - 1;
    total -= 1;
  }
  return widths;
}

export function renderRows(
  columns: readonly Column[],
  rows: readonly Cell[][],
  width: number,
  headerStyle: Style,
): string[] {
  const widths = columnWidths(columns, rows, width);
  const line = (cells: readonly Cell[]): string =>
    columns
      .map((c, i) => {
        const w = widths[i] ?? 0;
        const cell = cells[i] ?? { text: '' };
        const text = pad(truncate(cell.text, w), w, c.align);
        return cell.style ? cell.style(text) : text;
      })
      .join(GAP)
      .trimEnd();
  const header = line(columns.map((c) => ({ text: c.header, style: headerStyle })));
  return [header, ...rows.map(line)];
}

/** Word-wraps one line of text to `width`, each line prefixed by `indent`; overlong words are cut. */
export function wrap(text: string, width: number, indent: string): string[] {
  const room = Math.max(10, width - indent.length);
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ').filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (displayWidth(candidate) <= room) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = truncate(word, room);
  }
  if (current) lines.push(current);
  return lines.map((l) => indent + l);
}
