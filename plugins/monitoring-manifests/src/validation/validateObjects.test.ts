import { InputError } from '@backstage/errors';
import { findObject, sampleHub, sampleSpoke } from '../__testUtils__/builders';
import { K8sObject } from '../builders/types';
import {
  objectErrors,
  validateObject,
  validateObjects,
} from './validateObjects';

const clone = <T>(o: T): any => JSON.parse(JSON.stringify(o));

function errorOf(fn: () => void): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe.each(['kubernetes', 'external-secrets'] as const)(
  'secretStrategy %s',
  strategy => {
    const hub = sampleHub(strategy);
    const spoke = sampleSpoke(strategy);
    const all: K8sObject[] = [...hub.objects, ...spoke.spoke, ...spoke.hub];

    it.each(all.map(o => [`${o.kind}/${o.metadata.name}`, o]))(
      '%s validates',
      (_name, obj) => {
        expect(objectErrors(obj)).toEqual([]);
      },
    );

    it('validates as a whole', () => {
      expect(() => validateObjects(hub.objects)).not.toThrow();
      expect(() =>
        validateObjects([...spoke.spoke, ...spoke.hub]),
      ).not.toThrow();
    });
  },
);

describe('invalid objects', () => {
  const hub = sampleHub();
  const vmcluster = () => clone(findObject(hub.objects, 'VMCluster'));

  it('names the object and the field: spec.vmstorage.replicaCount "two"', () => {
    const broken = vmcluster();
    broken.spec.vmstorage.replicaCount = 'two';
    const error = errorOf(() => validateObject(broken));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Invalid VMCluster/monitoring/hub: spec.vmstorage.replicaCount: must be integer',
    );
  });

  it('fails the whole set, naming each broken object, before anything is written', () => {
    const broken = vmcluster();
    broken.spec.vmstorage.replicaCount = 'two';
    const agent = clone(findObject(hub.objects, 'VMAgent'));
    agent.spec.scrapeInterval = '30 seconds';
    const error = errorOf(() =>
      validateObjects([...hub.objects.slice(0, 3), broken, agent]),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      'VMCluster/monitoring/hub: spec.vmstorage.replicaCount: must be integer',
    );
    expect(error.message).toContain(
      'VMAgent/monitoring/hub: spec.scrapeInterval: must match pattern',
    );
  });

  it.each<[string, (o: any) => void, string]>([
    [
      'an unknown field (structural schema)',
      o => {
        o.spec.vmstorage.replicaCnt = 2;
      },
      'spec.vmstorage.replicaCnt: unknown field',
    ],
    [
      'an unknown top-level spec field',
      o => {
        o.spec.retention = '15d';
      },
      'spec.retention: unknown field',
    ],
    [
      'a retention the CRD pattern rejects',
      o => {
        o.spec.retentionPeriod = '15 days';
      },
      'spec.retentionPeriod: must match pattern',
    ],
    [
      'a boolean int-or-string',
      o => {
        o.spec.vminsert.podDisruptionBudget.maxUnavailable = true;
      },
      'spec.vminsert.podDisruptionBudget.maxUnavailable: must be an integer or a string',
    ],
    [
      'a wrong enum value',
      o => {
        o.spec.vmselect.logLevel = 'DEBUG';
      },
      'spec.vmselect.logLevel: must be one of',
    ],
    [
      'a string where an object belongs',
      o => {
        o.spec.vmstorage.storage = '100Gi';
      },
      'spec.vmstorage.storage: must be object',
    ],
    [
      'a missing name',
      o => {
        delete o.metadata.name;
      },
      'metadata.name: must be a DNS-1123 subdomain',
    ],
    [
      'a missing namespace',
      o => {
        delete o.metadata.namespace;
      },
      'metadata.namespace: must be a DNS-1123 label',
    ],
    [
      'a bad label value',
      o => {
        o.metadata.labels.team = 'not ok!';
      },
      'metadata.labels["team"]: invalid label value',
    ],
  ])('reports %s', (_what, mutate, message) => {
    const broken = vmcluster();
    mutate(broken);
    expect(objectErrors(broken).join('\n')).toContain(message);
  });

  it('reports a missing required field inside an array item', () => {
    const agent = clone(findObject(hub.objects, 'VMAgent'));
    delete agent.spec.remoteWrite[0].url;
    expect(objectErrors(agent)).toEqual([
      'spec.remoteWrite[0].url: required field is missing',
    ]);
  });

  it('reports core objects through kubernetes-models', () => {
    const deployment = clone(
      findObject(hub.objects, 'Deployment', 'hub-grafana'),
    );
    deployment.spec.replicas = 'two';
    deployment.spec.template.spec.containers[0].resources.requests.cpu = 'lots';
    const errors = objectErrors(deployment);
    expect(errors).toContain('spec.replicas: must be integer');
    expect(errors.join()).toContain(
      'spec.template.spec.containers[0].resources.requests.cpu',
    );
    expect(errorOf(() => validateObject(deployment)).message).toMatch(
      /^Invalid Deployment\/monitoring\/hub-grafana: /,
    );
  });

  it('rejects a namespace on a cluster-scoped object', () => {
    const role = clone(findObject(hub.objects, 'ClusterRole'));
    role.metadata.namespace = 'monitoring';
    expect(objectErrors(role)).toEqual([
      'metadata.namespace: must not be set on a cluster-scoped ClusterRole',
    ]);
  });

  it.each<[string, (o: any) => void, string]>([
    [
      'no secretStoreRef.name',
      o => {
        delete o.spec.secretStoreRef.name;
      },
      'spec.secretStoreRef.name: required field is missing',
    ],
    [
      'no target.name',
      o => {
        delete o.spec.target.name;
      },
      'spec.target.name: required field is missing',
    ],
    [
      'no remoteRef.key',
      o => {
        delete o.spec.data[0].remoteRef.key;
      },
      'spec.data[0].remoteRef.key: required field is missing',
    ],
    [
      'an empty data list',
      o => {
        o.spec.data = [];
      },
      'spec.data: must NOT have fewer than 1 items',
    ],
  ])('rejects an ExternalSecret with %s', (_what, mutate, message) => {
    const ext = clone(
      findObject(sampleHub('external-secrets').objects, 'ExternalSecret'),
    );
    mutate(ext);
    expect(objectErrors(ext)).toContain(message);
  });

  it.each([
    [
      'a core kind without a model here',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'n' },
      },
    ],
    [
      'an operator kind without a CRD here',
      {
        apiVersion: 'operator.victoriametrics.com/v1beta1',
        kind: 'VMSingle',
        metadata: { name: 'x', namespace: 'n' },
      },
    ],
    [
      'a known kind in an unknown version',
      {
        apiVersion: 'operator.victoriametrics.com/v1',
        kind: 'VMCluster',
        metadata: { name: 'x', namespace: 'n' },
      },
    ],
  ])('rejects %s as an unknown kind', (_what, obj) => {
    const error = errorOf(() => validateObject(obj));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('unknown kind');
  });

  it('rejects an object rendered twice', () => {
    const ns = hub.objects[0];
    expect(() => validateObjects([ns, clone(ns)])).toThrow(
      'Namespace/monitoring: rendered twice',
    );
  });
});
