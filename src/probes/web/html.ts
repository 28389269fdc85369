/**
 * The little of HTML a fingerprint needs, read from a capped body: the
 * document title and whether a password field is present. Parsed, not
 * grepped: the title is the text of the first <title> element in the first
 * 64 KiB, entity-decoded and whitespace-collapsed, so a matcher can anchor on it.
 */
const HEAD_BYTES = 64 * 1024;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The document title, or undefined when there is no complete <title> element near the top. */
export function htmlTitle(body: Buffer): string | undefined {
  const text = body.subarray(0, HEAD_BYTES).toString('latin1');
  const m = /<title(?:\s[^>]*)?>([^<]{0,1000})<\/title\s*>/i.exec(text);
  if (!m) return undefined;
  return decodeEntities(m[1]!).replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** True when the page holds an <input type=password>: a form login. */
export function hasPasswordField(body: Buffer): boolean {
  return /<input\b[^>]*\btype\s*=\s*["']?password\b/i.test(body.subarray(0, HEAD_BYTES).toString('latin1'));
}
