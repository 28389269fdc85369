/**
 * Who may read the dashboard: whoever holds the access token printed at
 * start (or read from --token-file). The token is exchanged once for a
 * session cookie, so it does not stay in URLs, logs or the history; each
 * session carries its own CSRF token for the forms that change something.
 * Sessions live in this process only: a restart logs everyone out.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits from the system's CSPRNG, URL-safe: what `serve` prints when no --token-file is given. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The fewest characters a token from --token-file may have: 22 base64 characters are 128 bits. */
export const MIN_TOKEN_LENGTH = 22;

const SESSION_COOKIE = 'exposure_session';

export interface Session {
  readonly id: string;
  /** Sent back in every form that changes something, compared with this. */
  readonly csrf: string;
  readonly expiresAt: number;
}

export interface SessionOptions {
  /** Under TLS the cookie is marked Secure. */
  secure: boolean;
  ttlMs?: number;
  /** The most sessions held at once; the oldest is dropped first (each login makes one). */
  max?: number;
  now?: () => number;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Equal strings, compared in time that does not depend on where they first differ (on their digests, so lengths do not leak either). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The value of one cookie from a Cookie header; undefined when absent. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(
    private readonly token: string,
    private readonly options: SessionOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 12 * 3600_000;
    this.max = options.max ?? 64;
    this.now = options.now ?? Date.now;
  }

  tokenMatches(candidate: string): boolean {
    return sameSecret(candidate, this.token);
  }

  /** A new session (after the token was shown): its id goes into the cookie, never into a page. */
  open(): Session {
    while (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next();
      if (oldest.done) break;
      this.sessions.delete(oldest.value);
    }
    const session: Session = { id: randomBytes(32).toString('base64url'), csrf: randomBytes(32).toString('base64url'), expiresAt: this.now() + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The session a request's Cookie header names, if it is one of ours and not expired. */
  find(cookieHeader: string | undefined): Session | undefined {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    if (!id) return undefined;
    // Looked up by a digest-compared key would be overkill: the id is 256 random bits, and a Map lookup reveals no prefix.
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  close(session: Session): void {
    this.sessions.delete(session.id);
  }

  /** Set-Cookie for a session: not readable by script, never sent by another site's request. */
  cookie(session: Session): string {
    return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(this.ttlMs / 1000)}${this.options.secure ? '; Secure' : ''}`;
  }

  clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${this.options.secure ? '; Secure' : ''}`;
  }
}
