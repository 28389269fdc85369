/**
 * The two Orthanc REST answers the probe reads (Orthanc Book, "REST API of
 * Orthanc"; checked against Orthanc 1.10.1): GET /system (version, DICOM AE
 * title and port) and GET /statistics (counts). Parsed with zod; nothing else
 * in them is kept, and no resource listing (/patients, /studies) is ever read.
 */
import { z } from 'zod';
import type { OrthancDetails } from '../../observation/observation.ts';

const SystemReply = z.object({
  Version: z.string(),
  ApiVersion: z.number().int().optional(),
  DicomAet: z.string().optional(),
  DicomPort: z.number().int().optional(),
  PluginsEnabled: z.boolean().optional(),
});

const StatisticsReply = z.object({
  CountPatients: z.number().int().nonnegative(),
  CountStudies: z.number().int().nonnegative(),
  CountSeries: z.number().int().nonnegative(),
  CountInstances: z.number().int().nonnegative(),
  // A string in 1.10 ("12345"), a number in some versions.
  TotalDiskSize: z.union([z.string().regex(/^\d{1,20}$/), z.number().nonnegative()]).optional(),
});

function json(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** /system as OrthancDetails['system'], or undefined when the body is not Orthanc's. */
export function parseSystem(body: Buffer): NonNullable<OrthancDetails['system']> | undefined {
  const r = SystemReply.safeParse(json(body));
  if (!r.success) return undefined;
  const s = r.data;
  const version = /^[0-9A-Za-z.+-]{1,32}$/.test(s.Version) ? s.Version : undefined;
  const aet = s.DicomAet !== undefined && /^[ -~]{1,16}$/.test(s.DicomAet) ? s.DicomAet : undefined;
  const port = s.DicomPort !== undefined && s.DicomPort >= 0 && s.DicomPort <= 65535 ? s.DicomPort : undefined;
  return {
    ...(version ? { version } : {}),
    ...(s.ApiVersion !== undefined ? { apiVersion: s.ApiVersion } : {}),
    ...(aet ? { dicomAet: aet } : {}),
    ...(port !== undefined ? { dicomPort: port } : {}),
    ...(s.PluginsEnabled !== undefined ? { pluginsEnabled: s.PluginsEnabled } : {}),
  };
}

export function parseStatistics(body: Buffer): NonNullable<OrthancDetails['statistics']> | undefined {
  const r = StatisticsReply.safeParse(json(body));
  if (!r.success) return undefined;
  const s = r.data;
  const disk = s.TotalDiskSize === undefined ? undefined : Number(s.TotalDiskSize);
  return {
    patients: s.CountPatients,
    studies: s.CountStudies,
    series: s.CountSeries,
    instances: s.CountInstances,
    ...(disk !== undefined && Number.isFinite(disk) ? { diskSizeBytes: disk } : {}),
  };
}
