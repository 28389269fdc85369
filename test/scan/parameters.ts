/** A new run's parameters as the command line would give them, for the run-parameter, plan and resume tests. */
import { DEFAULT_FILE_WALK } from '../../src/probes/nas/limits.ts';
import type { RequestedParameters } from '../../src/scan/run-parameters.ts';

export function requested(overrides: Partial<RequestedParameters> = {}): RequestedParameters {
  return {
    targets: { kind: 'specs', specs: ['127.0.93.0/30'] },
    exclude: [],
    defaultExclusions: true,
    ports: [9],
    seed: 5,
    shard: { index: 0, count: 1 },
    identity: { callingAeTitle: 'EXPOSURE-SCAN' },
    dicom: { aeTitles: ['ORTHANC'], guessList: true },
    checkLogins: false,
    fileWalk: DEFAULT_FILE_WALK,
    limits: { maxRecords: 5000, connectTimeoutMs: 3000, ioTimeoutMs: 10_000, probeTimeoutMs: 120_000 },
    pace: { concurrency: 4, rate: 0, perHost: 4, retries: 0 },
    ...overrides,
  };
}
