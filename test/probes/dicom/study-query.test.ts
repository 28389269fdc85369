/**
 * The study query's counts where a PatientID is empty: no value, or only its padding.
 * Neither is a patient, nor an identifier the archive returned. Scripted archive on
 * 127.0.101.21, port 0.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFindIdentifier } from '../../../src/protocols/dicom/dataset/encode.ts';
import { Status } from '../../../src/protocols/dicom/dimse/status.ts';
import { UID } from '../../../src/protocols/dicom/uids.ts';
import { except, probeArchive, reply } from './scripted-archive.ts';

const HOST = '127.0.101.21';

/** A STUDY-level match with its counts and the given PatientID (made up). */
function study(uid: string, patientId: string): Buffer {
  return encodeFindIdentifier(
    'STUDY',
    [
      { tag: 0x0020000d, vr: 'UI', value: uid },
      { tag: 0x00100020, vr: 'LO', value: patientId },
      { tag: 0x00201206, vr: 'IS', value: '1' },
      { tag: 0x00201208, vr: 'IS', value: '3' },
    ],
    UID.implicitVrLittleEndian,
  );
}

it('counts no patient and no PatientID returned for an empty or blank-padded PatientID', async () => {
  const { o, d } = await probeArchive(
    HOST,
    except((rq, ctx) => {
      if (rq.type !== 'C-FIND-RQ') return [];
      const pending = (ds: Buffer) => reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageId, status: Status.Pending }, ds);
      return [
        ...pending(study('1.2.3.1', '')),
        ...pending(study('1.2.3.2', '  ')),
        ...pending(study('1.2.3.3', 'TEST-ID-1')),
        ...reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageId, status: Status.Success }),
      ];
    }),
    { ioTimeoutMs: 2000 },
  );
  assert.equal(d?.find.matches, 3);
  assert.deepEqual(o.exposure.patients, { n: 1, atLeast: false });
  assert.deepEqual(o.exposure.studies, { n: 3, atLeast: false });
  assert.equal(o.inventory?.records, 3);
  assert.equal(o.inventory?.attributes.find((a) => a.keyword === 'PatientID')?.present, 1, 'only the one with a value returned a PatientID');
});

it('a study query that ends in an error leaves the worklist "not attempted", not absent', async () => {
  const wrongId = except((rq, ctx) =>
    rq.type === 'C-FIND-RQ' ? reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageId + 7, status: Status.Pending }, study('1.2.3.1', 'TEST-ID-1')) : [],
  );
  const { o, d } = await probeArchive(HOST, wrongId, { ioTimeoutMs: 2000, worklist: true });
  assert.equal(o.status, 'protocol-error');
  assert.equal(d?.find.outcome, 'protocol-error');
  assert.deepEqual(d?.mwl, { outcome: 'not-attempted', matches: 0, capped: false, modalities: [] });
});
