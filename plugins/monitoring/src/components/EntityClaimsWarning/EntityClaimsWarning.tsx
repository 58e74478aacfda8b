import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { EntityClaim } from '@hubspoke/backstage-plugin-monitoring-common';
import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import { monitoringApiRef } from '../../api';

const TRUSTED_LOCATIONS = 'monitoring.claims.trustedLocations';

const others = (n: number) => `${n} other entit${n === 1 ? 'y' : 'ies'}`;
const they = (n: number) => (n === 1 ? 'That entity is' : 'Those entities are');

function serviceName(claim: EntityClaim): string {
  return claim.namespace === undefined
    ? `service "${claim.service}"`
    : `service "${claim.service}" in namespace "${claim.namespace}"`;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What acting on the service through this entity takes, with `n` other owners. */
const needs = (n: number) =>
  "Reading the service's metrics and alerts, or silencing its alerts, through this entity " +
  `also needs the same permission on ${n === 1 ? 'that entity' : 'each of those entities'}.`;

export interface ClaimWarning {
  severity: 'warning' | 'info';
  title: string;
  message: string;
}

/** What to tell about an entity's claim, or undefined when there is nothing to say. */
export function claimWarning(claim: EntityClaim): ClaimWarning | undefined {
  const service = serviceName(claim);
  const n = claim.otherOwners;
  if (!claim.owner) {
    return {
      severity: 'warning',
      title: `${capitalize(service)} is owned by ${others(n)}`,
      message:
        `${they(n)} registered from a trusted location and this one is not. ${needs(n)} ` +
        `To change this, register this entity from a trusted location (${TRUSTED_LOCATIONS}) ` +
        'or point its annotations at a service of its own.',
    };
  }
  if (n > 0) {
    return {
      severity: 'warning',
      title: `${capitalize(service)} is shared with ${others(n)}`,
      message: `${
        claim.trusted
          ? `${they(n)} registered from a trusted location too, so ${n === 1 ? 'it owns' : 'they own'} the service as well.`
          : 'No entity naming the service is registered from a trusted location, so all of them own it.'
      } ${needs(n)}`,
    };
  }
  const ignored = claim.ignoredClaimants;
  if (ignored > 0) {
    return {
      severity: 'info',
      title: `${capitalize(others(ignored))} also name${ignored === 1 ? 's' : ''} ${service} and ${ignored === 1 ? 'is' : 'are'} ignored`,
      message:
        `${they(ignored)} not registered from a trusted location (${TRUSTED_LOCATIONS}), ` +
        'so only the permissions on this entity apply to the service.',
    };
  }
  return undefined;
}

/**
 * Warns, at the top of the Monitoring tab, when other entities claim the entity's service (the
 * claim rules of `monitoring-common`'s claims.ts). Renders nothing while loading, when there is
 * nothing to say, or when the claims cannot be read: the tab's other sections report errors.
 */
export function EntityClaimsWarning() {
  const { entity } = useEntity();
  const api = useApi(monitoringApiRef);
  const ref = stringifyEntityRef(entity);
  const { value } = useAsync(
    // async: even a synchronous failure of the API becomes a rejection (the warning stays quiet).
    async () => api.getEntityClaims(getCompoundEntityRef(entity)),
    // entity is compared through its ref: the page may hand a new object for the same entity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, ref],
  );
  const warning = value?.claim ? claimWarning(value.claim) : undefined;
  if (!warning) return null;
  return (
    <Box mb={3}>
      <WarningPanel
        severity={warning.severity}
        title={warning.title}
        message={warning.message}
      />
    </Box>
  );
}
