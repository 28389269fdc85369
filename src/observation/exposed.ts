/**
 * When a service counts as "exposed": it handed patient-level data to an
 * unknown caller. One definition, used by the store (the services.exposed
 * column every aggregate counts) and the report model.
 */
import type { Observation } from './observation.ts';

export function isExposed(obs: Observation): boolean {
  const d = obs.details;
  switch (d?.protocol) {
    case 'dicom':
      // C-FIND returned at least one match, from the archive or the worklist. However the exchange
      // then ended (complete, stopped at our cap, cut by a timeout, the peer's abort or a broken
      // response) those records were read.
      return d.find.matches > 0 || (d.mwl?.matches ?? 0) > 0;
    default: {
      // Protocols without a query step: any count of records or files reached.
      const e = obs.exposure;
      return [e.patients, e.studies, e.series, e.images, e.files].some((c) => c !== undefined && c.n > 0);
    }
  }
}
