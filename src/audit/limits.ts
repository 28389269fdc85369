/**
 * Bounds on what the audit reads: a configuration file is small and flat, so
 * anything far past these is a wrong file or a hostile one, refused with one
 * line before any parser allocates for it.
 */
export interface AuditLimits {
  /** Bytes of one file; checked before it is read. */
  readonly maxFileBytes: number;
  /** Characters of one line, after Samba's continuation lines are joined. */
  readonly maxLineChars: number;
  /** Nesting of JSON objects and arrays (Orthanc's own files nest 3 deep). */
  readonly maxJsonDepth: number;
  /** Nesting of nfs-ganesha's `{}` blocks (its own nest 3 deep: EXPORT, CLIENT or FSAL, and FSAL's PNFS). */
  readonly maxBlockDepth: number;
  /** Settings, sections, table rows or JSON values in one file. */
  readonly maxEntries: number;
}

export const DEFAULT_AUDIT_LIMITS: AuditLimits = {
  maxFileBytes: 4 * 1024 * 1024,
  maxLineChars: 64 * 1024,
  maxJsonDepth: 64,
  maxBlockDepth: 16,
  maxEntries: 100_000,
};
