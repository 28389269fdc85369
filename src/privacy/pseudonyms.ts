/**
 * Distinct-patient counting without keeping who the patients are.
 *
 * Each value is reduced to an HMAC-SHA-256 under a key drawn at process start
 * and never written anywhere; only the size of the set leaves a probe. With
 * the key gone, the hashes cannot be tested against guesses of names or IDs.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface DistinctCounter {
  add(value: string): void;
  readonly size: number;
}

export interface PatientPseudonyms {
  /** A fresh counter for one service: hashes live in it, in memory, until it is dropped. */
  counter(): DistinctCounter;
}

export function createPseudonyms(key: Buffer = randomBytes(32)): PatientPseudonyms {
  return {
    counter() {
      const seen = new Set<string>();
      return {
        add(value: string) {
          const v = value.trim();
          if (v.length === 0) return;
          seen.add(createHmac('sha256', key).update(v, 'utf8').digest('base64'));
        },
        get size() {
          return seen.size;
        },
      };
    },
  };
}
