import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogConditions } from '@backstage/plugin-catalog-backend/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { decisionOnSnapshot, FleetAccess } from './fleetAccess';
import { FleetEntry, FleetSnapshotValue } from './fleetSnapshot';

const entity = (
  name: string,
  extra: { owner?: string; labels?: Record<string, string>; kind?: string },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: extra.kind ?? 'Component',
  metadata: {
    name,
    namespace: 'default',
    labels: extra.labels,
    annotations: {
      'backstage.io/kubernetes-id': name,
      'Example.com/Tier': 'Gold',
    },
  },
  relations: extra.owner ? [{ type: 'ownedBy', targetRef: extra.owner }] : [],
});
const entities: Record<string, Entity> = {
  'component:default/mine': entity('mine', {
    owner: 'group:default/secret-team',
  }),
  'component:default/other': entity('other', {
    owner: 'group:default/team-b',
    labels: { Restricted: 'Yes' },
  }),
  'api:default/spec': entity('spec', { kind: 'API' }),
};
const conditional = (
  conditions: any,
  pluginId = 'catalog',
): PolicyDecision => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId,
  resourceType: 'catalog-entity',
  conditions,
});
const allowed = (decision: PolicyDecision) => {
  const on = decisionOnSnapshot(decision, entities);
  return on && Object.keys(entities).filter(on);
};
const { isEntityOwner, hasLabel, isEntityKind, hasAnnotation, hasSpec } =
  catalogConditions;

describe('decisionOnSnapshot', () => {
  it('applies definitive answers to every entity', () => {
    expect(allowed({ result: AuthorizeResult.ALLOW })).toHaveLength(3);
    expect(allowed({ result: AuthorizeResult.DENY })).toEqual([]);
  });

  it('compares as the catalog does, whatever the case, also under not', () => {
    expect(
      allowed(
        conditional(isEntityOwner({ claims: ['group:default/Secret-Team'] })),
      ),
    ).toEqual(['component:default/mine']);
    // The catalog hides "mine" from everyone but its owners: so must the fleet.
    expect(
      allowed(
        conditional({
          not: isEntityOwner({ claims: ['group:default/Secret-Team'] }),
        }),
      ),
    ).toEqual(['component:default/other', 'api:default/spec']);
    expect(
      allowed(
        conditional({ not: hasLabel({ label: 'restricted', value: 'yes' }) }),
      ),
    ).toEqual(['component:default/mine', 'api:default/spec']);
    expect(
      allowed(
        conditional({
          anyOf: [
            isEntityKind({ kinds: ['api'] }),
            hasAnnotation({ annotation: 'example.com/tier', value: 'gold' }),
          ],
        }),
      ),
    ).toHaveLength(3);
    // An entity the snapshot does not hold is refused.
    expect(
      decisionOnSnapshot(
        conditional(isEntityKind({ kinds: ['component'] })),
        entities,
      )!('component:default/unknown'),
    ).toBe(false);
  });

  it('leaves to the permission framework what it cannot evaluate here', () => {
    // A rule on any field, alone or beside known ones; another plugin's rule of the same name.
    expect(
      allowed(conditional(hasSpec({ key: 'owner', value: 'team-b' }))),
    ).toBeUndefined();
    expect(
      allowed(
        conditional({
          allOf: [
            isEntityKind({ kinds: ['component'] }),
            { not: hasSpec({ key: 'lifecycle', value: 'experimental' }) },
          ],
        }),
      ),
    ).toBeUndefined();
    expect(
      allowed(conditional(isEntityKind({ kinds: ['component'] }), 'other')),
    ).toBeUndefined();
  });
});

describe('FleetAccess', () => {
  const row = (ref: string) =>
    ({
      row: { entityRef: ref },
      requires: [ref],
    }) as unknown as FleetEntry;
  const snapshot = {
    entries: Object.keys(entities).map(row),
    entities,
  } as unknown as FleetSnapshotValue;

  it('shows nothing the catalog hides, even with metrics readable', async () => {
    const permissions = mockServices.permissions.mock({
      authorizeConditional: async () =>
        [
          { result: AuthorizeResult.DENY },
          { result: AuthorizeResult.ALLOW },
        ] as any,
    });
    const access = new FleetAccess(permissions, catalogServiceMock());
    const filter = await access.forCaller(mockCredentials.user(), snapshot);
    expect(snapshot.entries.filter(filter)).toEqual([]);
    expect(permissions.authorize).not.toHaveBeenCalled();
  });

  it('asks the catalog and the permission framework live on a stale snapshot', async () => {
    const decision = conditional(
      isEntityOwner({ claims: ['group:default/secret-team'] }),
    );
    const permissions = mockServices.permissions.mock({
      authorizeConditional: async () => [decision, decision] as any,
      authorize: async reqs =>
        reqs.map(() => ({ result: AuthorizeResult.DENY })) as any,
    });
    const catalog = catalogServiceMock({ entities: Object.values(entities) });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const access = new FleetAccess(permissions, catalog);
    const fresh = await access.forCaller(mockCredentials.user(), snapshot);
    expect(snapshot.entries.filter(fresh).map(e => e.row.entityRef)).toEqual([
      'component:default/mine',
    ]);
    expect(getEntities).not.toHaveBeenCalled();
    const stale = await access.forCaller(
      mockCredentials.user(),
      snapshot,
      true,
    );
    expect(snapshot.entries.filter(stale)).toEqual([]);
    expect(getEntities).toHaveBeenCalledTimes(1);
    expect(permissions.authorize).toHaveBeenCalled();
  });
});
