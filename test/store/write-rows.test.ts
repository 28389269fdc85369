import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assess } from '../../src/assess/assess.ts';
import { Observation } from '../../src/observation/observation.ts';
import { StoreValidationError } from '../../src/store/index.ts';
import { checkHost, checkServices } from '../../src/store/write-rows.ts';
import { EVERY_OBSERVATION } from './every-observation.ts';
import { EXPOSED } from './fixtures.ts';

const copy = <T>(v: T): T => structuredClone(v);

function hostOf(observation: unknown, findings: unknown[] = []): ReturnType<typeof checkHost> {
  const ip = (observation as Observation).endpoint.ip;
  return checkHost({ ip, services: [{ observation, findings }] });
}

describe('a batch checked before it is written', () => {
  test('an observation and findings already as the schema makes them are taken as they are, and equal what zod returns', () => {
    for (const o of EVERY_OBSERVATION) {
      const observation = copy(Observation.parse(o));
      const findings = copy(assess(observation));
      const [service] = checkServices(hostOf(observation, findings));
      assert.equal(service!.observation, observation, `${o.protocol} on ${o.endpoint.ip}: no copy`);
      assert.deepEqual(service!.observation, Observation.parse(observation));
      findings.forEach((f, i) => assert.equal(service!.findings[i], f));
    }
  });

  test('peer text put in uncleaned is cleaned by the schema, as before', () => {
    const dirty = copy(Observation.parse(EXPOSED));
    if (dirty.details?.protocol !== 'dicom' || !dirty.details.peer) throw new Error('fixture: EXPOSED has a DICOM peer');
    dirty.details.peer.respondingAeTitle = 'ORTH\u001b[2JANC';
    const [service] = checkServices(hostOf(dirty));
    assert.notEqual(service!.observation, dirty);
    assert.deepEqual(service!.observation, Observation.parse(dirty));
    if (service!.observation.details?.protocol !== 'dicom') throw new Error('still DICOM');
    assert.doesNotMatch(service!.observation.details.peer?.respondingAeTitle ?? '', /\u001b/);
  });

  test('an observation or a finding of the wrong shape is refused naming the service, never quoting it', () => {
    const broken = { ...copy(Observation.parse(EXPOSED)), status: 'PATIENT^NAME' };
    assert.throws(() => checkServices(hostOf(broken)), (e: unknown) => e instanceof StoreValidationError && e.code === 'INVALID_OBSERVATION' && !e.message.includes('PATIENT'));
    const finding = { ...copy(assess(Observation.parse(EXPOSED))[0]!), severity: 'PATIENT^NAME' };
    assert.throws(() => checkServices(hostOf(copy(Observation.parse(EXPOSED)), [finding])), (e: unknown) => e instanceof StoreValidationError && e.code === 'INVALID_FINDING' && !e.message.includes('PATIENT'));
  });
});
