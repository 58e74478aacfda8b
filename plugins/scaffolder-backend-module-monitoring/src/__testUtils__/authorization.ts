/** An InitiatorAuthorization over an in-memory catalog and a policy given as a function. */
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { TrustedLocations } from '@hubspoke/backstage-plugin-monitoring-common';
import { InitiatorAuthorization } from '../actions/initiatorAuthorization';

/** The policy: whether `user` holds `permission` (on `resourceRef` for a resource permission). */
export type Decide = (
  permission: string,
  resourceRef: string | undefined,
  user: string | undefined,
) => boolean;

export function component(
  name: string,
  annotations: Record<string, string> = {},
  owner = 'team-shop',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

export function clusterResource(name: string, owner = 'team-platform'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default' },
    spec: { type: 'kubernetes-cluster', owner },
  };
}

/**
 * The authorization the actions use, with the catalog holding `entities` and `decide` as the
 * policy; the permission requests it made are collected in `requests`.
 */
export function testAuthorization(
  opts: { entities?: Entity[]; decide?: Decide; trusted?: string[] } = {},
) {
  const requests: Array<{ permission: string; resourceRef?: string }> = [];
  const decide: Decide = opts.decide ?? (() => true);
  const permissions = mockServices.permissions.mock({
    authorize: async (reqs, options) => {
      const user = (
        options?.credentials?.principal as { userEntityRef?: string }
      )?.userEntityRef;
      return reqs.map(r => {
        const resourceRef = (r as { resourceRef?: string }).resourceRef;
        requests.push({ permission: r.permission.name, resourceRef });
        return {
          result: decide(r.permission.name, resourceRef, user)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        };
      }) as any;
    },
  });
  const authorization = new InitiatorAuthorization({
    catalog: catalogServiceMock({ entities: opts.entities ?? [] }),
    permissions,
    auth: mockServices.auth(),
    trusted: TrustedLocations.of(opts.trusted ?? []),
  });
  return { authorization, requests };
}
