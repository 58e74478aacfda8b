import { ConflictError, NotAllowedError } from '@backstage/errors';
import { K8sObject } from '@hubspoke/backstage-plugin-monitoring-manifests';
import { mapKubeError } from './kubeErrors';

const secret: K8sObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'hub-vmuser-portal', namespace: 'monitoring' },
};
const ctx = {
  cluster: 'infra',
  action: 'applying',
  fieldManager: 'backstage-monitoring',
};

describe('mapKubeError', () => {
  it('keeps only the first line of a transport error and none of its cause', () => {
    const err = new Error(
      'connect ECONNREFUSED 127.0.0.1:6443; caused by Error: body {"data":{"password":"c2VjcmV0"}}\nHeaders: {"authorization":"Bearer t0ken"}',
    );
    const mapped = mapKubeError(err, secret, ctx);
    expect(mapped.message).toBe(
      'applying Secret/monitoring/hub-vmuser-portal in cluster infra failed: connect ECONNREFUSED 127.0.0.1:6443',
    );
    expect((mapped as { cause?: unknown }).cause).toBeUndefined();
    expect(JSON.stringify(mapped) + String(mapped.stack)).not.toMatch(
      /c2VjcmV0|t0ken/,
    );
  });

  it("leaves out the client's wording around a transport error: the request's URL", () => {
    const mapped = mapKubeError(
      new Error(
        'Failed to fetch resource metadata for v1/Secret: request to https://127.0.0.1:38653/api/v1?token=x failed, reason: connect ECONNREFUSED 127.0.0.1:38653',
      ),
      secret,
      ctx,
    );
    expect(mapped.message).toBe(
      'applying Secret/monitoring/hub-vmuser-portal in cluster infra failed: connect ECONNREFUSED 127.0.0.1:38653',
    );
  });

  it('names the managers and fields of a conflict, not the body', () => {
    const body = {
      kind: 'Status',
      reason: 'Conflict',
      message:
        'Apply failed with 1 conflict: conflict with "kubectl": .data.password (value c2VjcmV0)',
      details: {
        causes: [
          { message: 'conflict with "kubectl"', field: '.data.password' },
        ],
      },
    };
    const mapped = mapKubeError({ code: 409, body }, secret, ctx);
    expect(mapped).toBeInstanceOf(ConflictError);
    expect(mapped.message).toContain(
      'conflict with field manager "kubectl" on .data.password',
    );
    expect(mapped.message).not.toContain('c2VjcmV0');
  });

  it('maps 403 to NotAllowedError without the Status message', () => {
    const mapped = mapKubeError(
      {
        code: 403,
        body: JSON.stringify({
          kind: 'Status',
          reason: 'Forbidden',
          message:
            'secrets "x" is forbidden: User "system:serviceaccount:t0ken"',
        }),
      },
      secret,
      ctx,
    );
    expect(mapped).toBeInstanceOf(NotAllowedError);
    expect(mapped.message).toBe(
      'applying Secret/monitoring/hub-vmuser-portal in cluster infra: the service account of cluster infra is not allowed to do this (Forbidden)',
    );
  });

  it('names the ServiceAccount, the verb and the resource of an RBAC refusal, nothing else of its message', () => {
    const mapped = mapKubeError(
      {
        code: 403,
        body: {
          kind: 'Status',
          reason: 'Forbidden',
          message:
            'secrets "hub-vmuser-portal" is forbidden: User "system:serviceaccount:backstage-system:backstage-portal" cannot patch resource "secrets" in API group "" in the namespace "monitoring" (c2VjcmV0)',
        },
      },
      secret,
      ctx,
    );
    expect(mapped).toBeInstanceOf(NotAllowedError);
    expect(mapped.message).toBe(
      'applying Secret/monitoring/hub-vmuser-portal in cluster infra: the service account of cluster infra (ServiceAccount backstage-system/backstage-portal) is not allowed to patch secrets (Forbidden)',
    );
    // Another user is not named; a resource of a group is named with it.
    const other = mapKubeError(
      {
        code: 403,
        body: {
          kind: 'Status',
          reason: 'Forbidden',
          message:
            'vmclusters.operator.victoriametrics.com "hub" is forbidden: User "alice@example.com" cannot patch resource "vmclusters" in API group "operator.victoriametrics.com" in the namespace "monitoring"',
        },
      },
      secret,
      ctx,
    );
    expect(other.message).toBe(
      'applying Secret/monitoring/hub-vmuser-portal in cluster infra: the service account of cluster infra is not allowed to patch vmclusters.operator.victoriametrics.com (Forbidden)',
    );
  });

  it('names the ResourceQuota that refused an object, and a token the API server did not accept', () => {
    const quota = mapKubeError(
      {
        code: 403,
        body: {
          kind: 'Status',
          reason: 'Forbidden',
          message:
            'secrets "hub-vmuser-portal" is forbidden: exceeded quota: few-secrets, requested: count/secrets=1, used: count/secrets=1, limited: count/secrets=1',
        },
      },
      secret,
      ctx,
    );
    expect(quota).toBeInstanceOf(NotAllowedError);
    expect(quota.message).toBe(
      'applying Secret/monitoring/hub-vmuser-portal in cluster infra: refused by ResourceQuota few-secrets of namespace monitoring (Forbidden)',
    );
    const token = mapKubeError(
      { code: 401, body: { kind: 'Status', reason: 'Unauthorized' } },
      secret,
      ctx,
    );
    expect(token).toBeInstanceOf(NotAllowedError);
    expect(token.message).toBe(
      'applying Secret/monitoring/hub-vmuser-portal in cluster infra: the API server did not accept the token of monitoring.apply.clusters for cluster infra (Unauthorized)',
    );
  });
});
