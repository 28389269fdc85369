/**
 * Protocols a report speaks of as one group. A leaf of report/, importing
 * only the result schema, so that any report module may read it (the
 * bounded lists and the letter's "What was done" both do) without a cycle.
 */
import type { ProtocolId } from '../observation/observation.ts';

/**
 * The web protocols: their services may need a login to give their records
 * (a blank or vendor-default one: web-summary.ts loginUsed), the only login
 * `--check-logins` tries.
 */
export const WEB_PROTOCOLS: readonly ProtocolId[] = ['portal', 'orthanc', 'dicomweb'];
