// Over 400 lines: one table of accepted and refused values per hub and spoke input field.
import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';
import { buildHub } from './hub';
import { hubInputSchema, spokeInputSchema } from './inputs';
import { buildSpoke } from './spoke';

const goodHub = {
  name: 'hub',
  storageClass: 'gp3',
  grafanaDomain: 'grafana.example.com',
};
const goodSpoke = {
  clusterName: 'dev',
  environment: 'dev',
  hubUrl: 'https://vmauth.hub.example.com',
  storageClass: 'gp3',
};

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('hub input', () => {
  it('accepts the minimal input and fills in the architecture defaults', () => {
    const o = buildHub(goodHub).options;
    expect(o).toMatchObject({
      namespace: 'monitoring',
      retention: '15d',
      storageSize: '100Gi',
      environment: 'infra',
      secretStrategy: 'kubernetes',
      outputPath: 'hub',
      replicas: {},
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an upper-case name',
      { name: 'Hub' },
      'name: name must be lowercase letters',
    ],
    [
      'a name with an underscore',
      { name: 'my_hub' },
      'name: name must be lowercase letters',
    ],
    [
      'a name starting with a digit',
      { name: '1hub' },
      'name: name must be lowercase letters',
    ],
    [
      'a name ending with a dash',
      { name: 'hub-' },
      'name: name must be lowercase letters',
    ],
    ['an empty name', { name: '' }, 'name: name must be lowercase letters'],
    [
      'a 41-character name',
      { name: `h${'a'.repeat(40)}` },
      'name: name must be at most 40 characters',
    ],
    [
      'a name that is a number',
      { name: 42 },
      'name: Expected string, received number',
    ],
    [
      'a namespace with dots',
      { namespace: 'mon.itoring' },
      'namespace: must be a DNS-1123 label',
    ],
    [
      'a 64-character namespace',
      { namespace: 'n'.repeat(64) },
      'namespace: must be at most 63 characters',
    ],
    [
      'a missing storage class',
      { storageClass: undefined },
      'storageClass: storageClass is required',
    ],
    [
      'an empty storage class',
      { storageClass: '' },
      'storageClass: storageClass is required',
    ],
    [
      'a storage class with spaces',
      { storageClass: 'fast ssd' },
      'storageClass: must be a DNS-1123 subdomain',
    ],
    [
      'a bad shared storage class',
      { sharedStorageClass: 'EFS' },
      'sharedStorageClass: must be a DNS-1123 subdomain',
    ],
    [
      'a missing grafana domain',
      { grafanaDomain: undefined },
      'grafanaDomain: grafanaDomain is required',
    ],
    [
      'a grafana domain that is a URL',
      { grafanaDomain: 'https://grafana.example.com' },
      'grafanaDomain: must be a host name',
    ],
    [
      'a retention without unit',
      { retention: '15' },
      'retention: must be a duration like 30s, 15d',
    ],
    [
      'a retention with a space',
      { retention: '15 d' },
      'retention: must be a duration',
    ],
    [
      'a retention in days spelled out',
      { retention: '15days' },
      'retention: must be a duration',
    ],
    [
      'a retention below one day',
      { retention: '12h' },
      'retention: must be at least 1d',
    ],
    [
      'a retention in minutes',
      { retention: '2000m' },
      'retention: must be at least 1d, in h, d, w or y',
    ],
    [
      'a negative retention',
      { retention: '-1d' },
      'retention: must be a duration',
    ],
    [
      'a size in GB',
      { storageSize: '100GB' },
      'storageSize: must be a size like 100Gi',
    ],
    [
      'a size without unit',
      { storageSize: '100' },
      'storageSize: must be a size like 100Gi',
    ],
    [
      'a fractional size',
      { storageSize: '1.5Ti' },
      'storageSize: must be a size like 100Gi',
    ],
    [
      'a zero size',
      { storageSize: '0Gi' },
      'storageSize: must be larger than zero',
    ],
    [
      'zero vminsert replicas',
      { replicas: { vminsert: 0 } },
      'replicas.vminsert: must be at least 1',
    ],
    [
      'fractional vmselect replicas',
      { replicas: { vmselect: 1.5 } },
      'replicas.vmselect: must be a whole number',
    ],
    [
      'vmstorage replicas past the architecture limit',
      { replicas: { vmstorage: 21 } },
      'replicas.vmstorage: must be at most 20',
    ],
    [
      'vminsert replicas past the architecture limit',
      { replicas: { vminsert: 11 } },
      'replicas.vminsert: must be at most 10',
    ],
    [
      'vmstorage replicas below the replication factor',
      { replicas: { vmstorage: 1 } },
      'replicas.vmstorage: must be at least the replication factor 2',
    ],
    [
      'an unknown replica component',
      { replicas: { vmagent: 3 } },
      "replicas: Unrecognized key(s) in object: 'vmagent'",
    ],
    [
      'an unknown secret strategy',
      { secretStrategy: 'vault' },
      'secretStrategy: Invalid enum value',
    ],
    [
      'a bad secret store kind',
      { secretStore: { name: 'vault', kind: 'Vault' } },
      'secretStore.kind: Invalid enum value',
    ],
    [
      'an upper-case environment',
      { environment: 'Infra' },
      'environment: must match ^[a-z][a-z0-9-]{0,30}$',
    ],
    [
      'an absolute output path',
      { outputPath: '/etc/hub' },
      'outputPath: must be a relative path inside the workspace',
    ],
    [
      'an output path escaping the workspace',
      { outputPath: '../hub' },
      'outputPath: must be a relative path inside the workspace',
    ],
    [
      'an output path with .. inside',
      { outputPath: 'a/../../b' },
      'outputPath: must be a relative path inside the workspace',
    ],
    [
      'an unknown input',
      { retentionPeriod: '15d' },
      "Unrecognized key(s) in object: 'retentionPeriod'",
    ],
  ])('rejects %s', (_what, patch, message) => {
    const input = { ...goodHub, ...patch };
    const error = errorOf(() => buildHub(input as any));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(message);
    expect(error.message).toMatch(/^Invalid hub input: /);
    // The action's zod schema rejects it too (the action parses with the same schema).
    expect(hubInputSchema(z).safeParse(input).success).toBe(false);
  });
});

describe('spoke input', () => {
  it('accepts the minimal input and fills in the defaults', () => {
    expect(buildSpoke(goodSpoke).options).toMatchObject({
      namespace: 'monitoring',
      hubName: 'hub',
      hubNamespace: 'monitoring',
      queueSize: '10Gi',
      scrapeInterval: '30s',
    });
  });

  it.each([
    'http://127.0.0.1:8427',
    'http://localhost:8427/',
    'https://vmauth.example.com/prefix',
  ])('accepts the hub URL %s', hubUrl => {
    expect(() => buildSpoke({ ...goodSpoke, hubUrl })).not.toThrow();
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a cluster name with upper case',
      { clusterName: 'Prod' },
      'clusterName: clusterName must be lowercase letters',
    ],
    [
      'a cluster name with a dot',
      { clusterName: 'prod.eu' },
      'clusterName: clusterName must be lowercase letters',
    ],
    [
      'a cluster name with a slash',
      { clusterName: 'prod/eu' },
      'clusterName: clusterName must be lowercase letters',
    ],
    [
      'a missing cluster name',
      { clusterName: undefined },
      'clusterName: Required',
    ],
    [
      'a missing environment',
      { environment: undefined },
      'environment: environment is required',
    ],
    [
      'an environment with upper case',
      { environment: 'Production' },
      'environment: must match',
    ],
    [
      'an environment starting with a digit',
      { environment: '1prod' },
      'environment: must match',
    ],
    [
      'an environment with an underscore',
      { environment: 'pre_prod' },
      'environment: must match',
    ],
    [
      'a 32-character environment',
      { environment: `e${'x'.repeat(31)}` },
      'environment: must match',
    ],
    [
      'an environment with a quote (PromQL injection)',
      { environment: 'prod"}' },
      'environment: must match',
    ],
    ['a missing hub URL', { hubUrl: undefined }, 'hubUrl: hubUrl is required'],
    [
      'a hub URL that is not a URL',
      { hubUrl: 'vmauth.example.com' },
      'hubUrl: must be an absolute URL',
    ],
    [
      'a plain-http hub URL',
      { hubUrl: 'http://vmauth.example.com' },
      'hubUrl: must use https',
    ],
    [
      'an ftp hub URL',
      { hubUrl: 'ftp://vmauth.example.com' },
      'hubUrl: must use https',
    ],
    [
      'a hub URL with credentials',
      { hubUrl: 'https://user:secret@vmauth.example.com' },
      'hubUrl: must not contain credentials',
    ],
    [
      'a hub URL with a query',
      { hubUrl: 'https://vmauth.example.com/?tenant=1' },
      'hubUrl: must not contain a query or fragment',
    ],
    [
      'a missing storage class',
      { storageClass: undefined },
      'storageClass: storageClass is required',
    ],
    [
      'a queue size in bytes',
      { queueSize: '10737418240' },
      'queueSize: must be a size like 100Gi',
    ],
    [
      'a queue size in Ki',
      { queueSize: '1024Ki' },
      'queueSize: must be a size like 100Gi',
    ],
    [
      'a scrape interval without unit',
      { scrapeInterval: '30' },
      'scrapeInterval: must be a duration',
    ],
    [
      'a scrape interval in days',
      { scrapeInterval: '1d' },
      'scrapeInterval: must be between 5s and 10m',
    ],
    [
      'a too short scrape interval',
      { scrapeInterval: '1s' },
      'scrapeInterval: must be between 5s and 10m',
    ],
    [
      'a hub name with upper case',
      { hubName: 'Hub' },
      'hubName: hubName must be lowercase letters',
    ],
    [
      'a bad hub namespace',
      { hubNamespace: 'Monitoring' },
      'hubNamespace: must be a DNS-1123 label',
    ],
    [
      'an output path escaping the workspace',
      { outputPath: '../../etc' },
      'outputPath: must be a relative path',
    ],
  ])('rejects %s', (_what, patch, message) => {
    const input = { ...goodSpoke, ...patch };
    const error = errorOf(() => buildSpoke(input as any));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^Invalid spoke input: /);
    expect(error.message).toContain(message);
    expect(spokeInputSchema(z).safeParse(input).success).toBe(false);
  });

  it('reports every problem at once', () => {
    const error = errorOf(() =>
      buildSpoke({
        clusterName: 'Bad_Name',
        environment: 'PROD',
        hubUrl: 'http://x.example.com',
      } as any),
    );
    expect(error.message).toContain('clusterName:');
    expect(error.message).toContain('environment:');
    expect(error.message).toContain('hubUrl:');
    expect(error.message).toContain('storageClass:');
  });
});
