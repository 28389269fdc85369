/**
 * Distinct-patient counting without keeping who the patients are.
 *
 * Each value is reduced to an HMAC-SHA-256 under a key drawn at process start
 * and never written anywhere; only the size of the set leaves a probe. With
 * the key gone, the hashes cannot be tested against guesses of names or IDs.
 *
 * A counter can also give a digest of its whole set, under the same key and
 * cut to 32 bits: two services that served the same set to one process get
 * the same digest (the honeypot assessment's "same dataset on many hosts"),
 * and with the key gone nobody can test a guessed set against it. The digest
 * carries the process's label, a random nonce unrelated to the key, so
 * digests from different processes (a resumed or distributed run) are never
 * taken for equal or unequal.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface DistinctCounter {
  add(value: string): void;
  readonly size: number;
  /** "label:8 hex" over the sorted set, or undefined when the set is empty. */
  digest(): string | undefined;
}

export interface PatientPseudonyms {
  /** A fresh counter for one service: hashes live in it, in memory, until it is dropped. */
  counter(): DistinctCounter;
}

const DIGEST_HEX = 8;

export function createPseudonyms(key: Buffer = randomBytes(32), label: string = randomBytes(4).toString('hex')): PatientPseudonyms {
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
        digest() {
          if (seen.size === 0) return undefined;
          const mac = createHmac('sha256', key).update('set\n');
          for (const h of [...seen].sort()) mac.update(`${h}\n`);
          return `${label}:${mac.digest('hex').slice(0, DIGEST_HEX)}`;
        },
      };
    },
  };
}
