/**
 * Text a hostile peer puts in every field a scanner might keep: markup for an
 * HTML report, terminal escapes for a table on a TTY, a spreadsheet formula
 * for a CSV export, and a birth date where a modality code belongs. What the
 * scanner may keep of each is in docs/peer-text.md: no control character and no
 * modality outside the defined terms reach the store, and markup or a formula
 * kept inside an identifier is escaped by every output format.
 */
export const HOSTILE_TEXT = {
  markup: '<script>alert(1)</script>',
  /** Clear screen, set the window title, turn red (ECMA-48 CSI and OSC). */
  terminal: '\x1b[2J\x1b]0;owned\x07\x1b[31m',
  /** CSV injection (OWASP "CSV Injection"): a cell a spreadsheet runs. */
  formula: "=cmd|' /C calc'!A0",
  /**
   * A date of birth in DICOM DA form (PS3.5 6.2), where ModalitiesInStudy
   * (0008,0061) belongs: a CS value of that shape passes a [A-Z0-9]{1,16} check.
   */
  birthDate: '19541103',
} as const;

/** All of it in one line (an FTP banner, an HTTP realm). */
export const HOSTILE_LINE = `${HOSTILE_TEXT.markup} ${HOSTILE_TEXT.terminal} ${HOSTILE_TEXT.formula}`;

/** Fields of 16 characters (an AE title, PS3.8 9.3.2; an implementation version name, PS3.7 D.3.3.2.4). */
export const HOSTILE_16 = {
  markup: '<script>alert(1)',
  terminalFormula: '\x1b[31m=cmd|calc',
} as const;
