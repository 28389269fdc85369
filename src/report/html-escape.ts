/**
 * Text and attribute values for HTML. Every string from the store passes
 * through here (after plain(), which drops controls and bidi marks), so a
 * peer's product string or an organisation name cannot open a tag.
 */
import { plain } from './escape.ts';

const HTML_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function html(s: string | number | undefined): string {
  if (s === undefined) return '';
  return plain(String(s)).replace(/[&<>"']/g, (c) => HTML_SPECIAL[c] ?? c);
}

/** An id fragment for anchors: only [a-z0-9-]. */
export function anchor(s: string): string {
  return plain(s).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

const SAFE_URL = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&()*+,;=%-]+$/;

/** A link for a reference URL we wrote ourselves; anything else is shown as text. */
export function link(ref: string): string {
  return SAFE_URL.test(ref) ? `<a href="${html(ref)}" rel="noreferrer">${html(ref)}</a>` : html(ref);
}
