import {
  ContentHeader,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { monitoringApiRef } from '../../api';
import { FleetServicesTable } from './FleetServicesTable';

/** The Services tab: the fleet, loaded with the signed-in user's ownership for "My services". */
export function FleetServicesTab() {
  const api = useApi(monitoringApiRef);
  const identityApi = useApi(identityApiRef);
  const fleet = useAsyncRetry(() => api.getFleet(), [api]);
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );

  let body;
  if (fleet.error)
    body = (
      <ResponseErrorPanel
        error={fleet.error}
        title="Could not load the fleet"
      />
    );
  else if (!fleet.value || identity.loading) body = <Progress />;
  else if (fleet.value.rows.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No monitored services"
        description="No catalog entity you may read has a monitoring annotation (backstage.io/kubernetes-id, monitoring/service-name or backstage.io/kubernetes-label-selector)."
      />
    );
  } else {
    body = (
      <FleetServicesTable
        response={fleet.value}
        ownershipRefs={identity.value?.ownershipEntityRefs ?? []}
      />
    );
  }
  return (
    <>
      <ContentHeader title="Services">
        {fleet.value && (
          <Typography variant="caption" color="textSecondary">
            Read {new Date(fleet.value.generatedAt).toLocaleTimeString()}
          </Typography>
        )}
      </ContentHeader>
      {body}
    </>
  );
}
