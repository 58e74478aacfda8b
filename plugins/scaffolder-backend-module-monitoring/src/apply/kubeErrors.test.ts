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
});
