/**
 * The syntax of an AE title, a rule of the standard rather than of a probe:
 * the command line checks the titles a user gives with it, the DICOM probe the
 * titles it sends.
 */

/** PS3.8 9.3.2 (and PS3.5 Table 6.2-1, VR AE): 1-16 characters of the default repertoire, not all spaces, no backslash or control characters. */
export function validateAeTitle(title: string): string | undefined {
  if (title.length < 1 || title.length > 16) return `AE title "${title}" must be 1 to 16 characters`;
  if (title.trim() === '') return 'an AE title cannot be all spaces';
  if (!/^[\x20-\x7E]+$/.test(title) || title.includes('\\')) return `AE title "${title}" may only hold printable ASCII without backslash`;
  return undefined;
}
