/** Dictionary tokens for the mutator: text as Latin-1 bytes, arrays as bytes. */
export function tokens(list: readonly (string | readonly number[])[]): Buffer[] {
  return list.map((t) => (typeof t === 'string' ? Buffer.from(t, 'latin1') : Buffer.from(t)));
}
