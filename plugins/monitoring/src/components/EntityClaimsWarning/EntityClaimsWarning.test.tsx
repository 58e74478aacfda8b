import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityClaim } from '@hubspoke/backstage-plugin-monitoring-common';
import { act, screen, waitFor } from '@testing-library/react';
import { MonitoringApi, monitoringApiRef } from '../../api';
import { EntityClaimsWarning } from './EntityClaimsWarning';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

function claim(overrides: Partial<EntityClaim> = {}): EntityClaim {
  return {
    service: 'checkout',
    owner: true,
    trusted: false,
    otherOwners: 0,
    ignoredClaimants: 0,
    soleOwner: true,
    ...overrides,
  };
}

async function renderWarning(
  result: () => ReturnType<MonitoringApi['getEntityClaims']>,
) {
  const api = {
    getEntityClaims: jest.fn<
      ReturnType<MonitoringApi['getEntityClaims']>,
      Parameters<MonitoringApi['getEntityClaims']>
    >(result),
  };
  await renderInTestApp(
    <TestApiProvider apis={[[monitoringApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityClaimsWarning />
      </EntityProvider>
    </TestApiProvider>,
  );
  return api;
}

/** Lets the claims request settle (resolve or fail) and the component render its result. */
async function settled(api: { getEntityClaims: jest.Mock }) {
  await waitFor(() => expect(api.getEntityClaims).toHaveBeenCalledTimes(1));
  await act(async () => {
    await Promise.allSettled(
      api.getEntityClaims.mock.results.map(r => r.value),
    );
  });
}

describe('EntityClaimsWarning', () => {
  it('warns that the service is owned by another, trusted entity and says how to change it', async () => {
    const api = await renderWarning(async () => ({
      claim: claim({ owner: false, otherOwners: 1, soleOwner: false }),
    }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Warning: Service "checkout" is owned by 1 other entity',
    );
    expect(alert).toHaveTextContent(
      'That entity is registered from a trusted location and this one is not. ' +
        "Reading the service's metrics and alerts, or silencing its alerts, through this entity " +
        'also needs the same permission on that entity. ' +
        'To change this, register this entity from a trusted location (monitoring.claims.trustedLocations) ' +
        'or point its annotations at a service of its own.',
    );
    expect(api.getEntityClaims).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    });
  });

  it('counts several owners and names the namespace of the service', async () => {
    await renderWarning(async () => ({
      claim: claim({
        namespace: 'shop',
        owner: false,
        otherOwners: 3,
        soleOwner: false,
      }),
    }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Warning: Service "checkout" in namespace "shop" is owned by 3 other entities',
    );
    expect(alert).toHaveTextContent(
      'Those entities are registered from a trusted location and this one is not.',
    );
    expect(alert).toHaveTextContent(
      'also needs the same permission on each of those entities.',
    );
  });

  it('warns that an untrusted service is shared with its other claimants', async () => {
    await renderWarning(async () => ({
      claim: claim({ otherOwners: 2, soleOwner: false }),
    }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Warning: Service "checkout" is shared with 2 other entities',
    );
    expect(alert).toHaveTextContent(
      'No entity naming the service is registered from a trusted location, so all of them own it. ' +
        "Reading the service's metrics and alerts, or silencing its alerts, through this entity " +
        'also needs the same permission on each of those entities.',
    );
    expect(alert).not.toHaveTextContent('To change this');
  });

  it('warns that a trusted service is shared with another trusted entity', async () => {
    await renderWarning(async () => ({
      claim: claim({ trusted: true, otherOwners: 1, soleOwner: false }),
    }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Warning: Service "checkout" is shared with 1 other entity',
    );
    expect(alert).toHaveTextContent(
      'That entity is registered from a trusted location too, so it owns the service as well.',
    );
  });

  it('notes, as information, the untrusted claimants that are ignored', async () => {
    await renderWarning(async () => ({
      claim: claim({ trusted: true, ignoredClaimants: 2 }),
    }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Info: 2 other entities also name service "checkout" and are ignored',
    );
    expect(alert).toHaveTextContent(
      'Those entities are not registered from a trusted location (monitoring.claims.trustedLocations), ' +
        'so only the permissions on this entity apply to the service.',
    );
    expect(alert).not.toHaveTextContent('Warning:');
  });

  it('says "entity" for a single ignored claimant', async () => {
    await renderWarning(async () => ({
      claim: claim({ trusted: true, ignoredClaimants: 1 }),
    }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Info: 1 other entity also names service "checkout" and is ignored',
    );
  });

  it('renders nothing for the sole owner of its service', async () => {
    const api = await renderWarning(async () => ({ claim: claim() }));
    await settled(api);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText(/entit(y|ies)/)).not.toBeInTheDocument();
  });

  it('renders nothing for an entity that names no service', async () => {
    const api = await renderWarning(async () => ({ claim: null }));
    await settled(api);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText(/entit(y|ies)/)).not.toBeInTheDocument();
  });

  it('renders nothing when the claims cannot be read', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'not allowed' },
        }),
        {
          status: 403,
          statusText: 'Forbidden',
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    const api = await renderWarning(() => Promise.reject(error));
    await settled(api);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText(/entit(y|ies)/)).not.toBeInTheDocument();
    expect(screen.queryByText(/not allowed|403/)).not.toBeInTheDocument();
  });

  it('renders nothing while the claims load', async () => {
    const api = await renderWarning(() => new Promise(() => {}));
    await waitFor(() => expect(api.getEntityClaims).toHaveBeenCalledTimes(1));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });
});
