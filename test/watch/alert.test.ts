/** What an alert holds: findings at or above its severity that are new or gone, their remediation, the counts; its text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyDiff, type DiffFinding, type RunDiff } from '../../src/report/diff.ts';
import type { RunTotals } from '../../src/store/index.ts';
import { alertFrom, alertSubject, alertText, MAX_LISTED, type AlertInput } from '../../src/watch/alert.ts';

const finding = (ruleId: string, severity: DiffFinding['severity'], ip = '10.1.0.5'): DiffFinding => ({ ip, port: 104, protocol: 'dicom', ruleId, severity, title: `title of ${ruleId}` });

function diff(newFindings: DiffFinding[], resolvedFindings: DiffFinding[], scopeDiffers = false, honeypots: Partial<RunDiff['honeypots']> = {}): RunDiff {
  const empty = emptyDiff({ run: 1, startedAt: '2026-03-04T02:00:00.000Z' }, { run: 2, startedAt: '2026-03-05T02:00:00.000Z' }, scopeDiffers, false);
  return {
    ...empty,
    newExposures: [{ ip: '10.1.0.5', port: 104, protocol: 'dicom' }],
    newFindings,
    resolvedFindings,
    newCritical: newFindings.filter((f) => f.severity === 'critical').length,
    honeypots: { ...empty.honeypots, ...honeypots },
  };
}

const TOTALS: RunTotals = { services: 4, exposedServices: 1, findings: { critical: 1, high: 2, medium: 3, low: 0, info: 0 } };

function input(d: RunDiff, more: Partial<AlertInput> = {}): AlertInput {
  return {
    scope: 'radiology',
    run: { id: 2, startedAt: '2026-03-05T02:00:00.000Z' },
    previousRun: { id: 1, startedAt: '2026-03-04T02:00:00.000Z' },
    diff: d,
    remediation: new Map([['EXP-DICOM-001', 'Restrict C-FIND to known calling AE titles.']]),
    totals: TOTALS,
    minSeverity: 'high',
    ...more,
  };
}

describe('alerts', () => {
  it('lists new and fixed findings at or above the severity, with their remediation and the run\'s counts', () => {
    const a = alertFrom(input(diff([finding('EXP-DICOM-001', 'critical'), finding('EXP-DICOM-003', 'medium')], [finding('EXP-DICOM-002', 'high', '10.1.0.6')])))!;
    assert.equal(a.schema, 'exposure-alert/1');
    assert.deepEqual(a.newFindings, [{ ruleId: 'EXP-DICOM-001', title: 'title of EXP-DICOM-001', severity: 'critical', ip: '10.1.0.5', port: 104, protocol: 'dicom', remediation: 'Restrict C-FIND to known calling AE titles.' }]);
    assert.deepEqual(a.fixedFindings.map((f) => [f.ruleId, f.ip]), [['EXP-DICOM-002', '10.1.0.6']]);
    assert.deepEqual(a.counts, { newFindings: 1, fixedFindings: 1, newExposures: 1, fixedExposures: 0, findingsInRun: TOTALS.findings, exposedServicesInRun: 1, likelyHoneypotsLeftOut: 0 });
    assert.deepEqual(a.previousRun, { id: 1, startedAt: '2026-03-04T02:00:00.000Z' });
    assert.equal(a.scopeChanged, false);
  });

  it('is not raised when nothing at or above the severity changed', () => {
    assert.equal(alertFrom(input(diff([finding('EXP-DICOM-003', 'medium')], [finding('EXP-DICOM-003', 'medium')]))), undefined);
    assert.ok(alertFrom(input(diff([finding('EXP-DICOM-003', 'medium')], []), { minSeverity: 'medium' })));
  });

  it('marks a first run (nothing to compare with) and a change of targets', () => {
    const first = alertFrom(input(diff([finding('EXP-DICOM-001', 'critical')], [], true), { previousRun: undefined }))!;
    assert.equal(first.previousRun, null);
    assert.equal(first.scopeChanged, false, 'a first run has no earlier targets to differ from');
    assert.equal(alertFrom(input(diff([], [finding('EXP-DICOM-001', 'critical')], true)))?.scopeChanged, true);
  });

  it('lists at most MAX_LISTED of each kind and counts them all', () => {
    const many = Array.from({ length: MAX_LISTED + 5 }, (_, i) => finding('EXP-DICOM-001', 'critical', `10.1.${i >> 8}.${i & 255}`));
    const a = alertFrom(input(diff(many, [])))!;
    assert.equal(a.newFindings.length, MAX_LISTED);
    assert.equal(a.counts.newFindings, MAX_LISTED + 5);
    assert.match(alertText(a), /… and 5 more \(exposure diff 1 2 lists them all\)/);
  });

  it('reads as a short e-mail: subject with the counts, each finding with its endpoint and what to do', () => {
    const a = alertFrom(input(diff([finding('EXP-DICOM-001', 'critical')], [finding('EXP-DICOM-002', 'high', '2001:db8::6')])))!;
    assert.equal(alertSubject(a), 'Exposure, scope radiology: 1 new finding, 1 fixed (high or worse), run 2');
    const text = alertText(a);
    assert.match(text, /^Scope radiology, run 2 started 2026-03-05T02:00:00.000Z, compared with run 1/);
    assert.match(text, /New findings \(1\)\n {2}CRITICAL EXP-DICOM-001 {2}10\.1\.0\.5:104 dicom {2}title of EXP-DICOM-001\n {11}what to do: Restrict C-FIND/);
    assert.match(text, /Fixed: no longer found \(1\)\n {2}HIGH {5}EXP-DICOM-002 {2}\[2001:db8::6\]:104 dicom/);
    assert.match(text, /findings critical 1, high 2, medium 3, low 0, info 0/);
    assert.match(text, /exposure diff 1 2/);
  });

  it('says in one line how many likely honeypots it left out, and nothing of them when there were none', () => {
    const honeypot = { ip: '10.9.0.1', port: 11112, protocol: 'dicom' };
    const a = alertFrom(input(diff([finding('EXP-DICOM-001', 'critical')], [], false, { appeared: [honeypot, { ...honeypot, ip: '10.9.0.2' }], stillLikely: 1 })))!;
    assert.equal(a.counts.likelyHoneypotsLeftOut, 3);
    const lines = alertText(a).split('\n').filter((l) => /honeypot/.test(l));
    assert.deepEqual(lines, ['3 likely honeypots left out of this alert (keepHoneypots: true in the watch configuration to alert on them as archives).']);
    assert.doesNotMatch(alertText(alertFrom(input(diff([finding('EXP-DICOM-001', 'critical')], [])))!), /honeypot/);
  });

  it('is not raised by likely honeypots alone: the diff keeps their findings out of its lists', () => {
    assert.equal(alertFrom(input(diff([], [], false, { appeared: [{ ip: '10.9.0.1', port: 11112, protocol: 'dicom' }] }))), undefined);
  });
});
