import {
  ContentHeader,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useFleet } from '../../hooks/useFleet';
import {
  changeFleetQuery,
  fleetFilters,
  FleetQuery,
  INITIAL_FLEET_QUERY,
  isFiltered,
} from '../../utils/fleetRows';
import { snapshotCaption, StaleSnapshotWarning } from '../SnapshotStatus';
import { FleetServicesTable } from './FleetServicesTable';

/** How long the search waits for the typing to pause before it asks the backend. */
export const FLEET_SEARCH_DEBOUNCE_MS = 300;

/**
 * The Services tab: the table's filters, order and page are the request; the backend filters,
 * sorts and pages. "My services" starts on; when the user's groups own none, it turns off.
 */
export function FleetServicesTab() {
  const [query, setQuery] = useState<FleetQuery>(INITIAL_FLEET_QUERY);
  const update = useCallback(
    (change: Partial<FleetQuery>) => setQuery(q => changeFleetQuery(q, change)),
    [],
  );
  // The search box's text; the request's `q` follows it once the typing pauses.
  const [text, setText] = useState(INITIAL_FLEET_QUERY.q);
  useEffect(() => {
    const q = text.trim();
    if (q === query.q) return undefined;
    const timer = setTimeout(() => update({ q }), FLEET_SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, query.q, update]);

  const filters = useMemo(() => fleetFilters(query), [query]);
  const fleet = useFleet(filters);
  const { value, filters: answered } = fleet;

  // The first answer (mine=true) says whether the user owns monitored services: if not,
  // ask again without mine, and show nothing until that answer arrives.
  const [probing, setProbing] = useState(true);
  useEffect(() => {
    if (!probing || !value || !answered) return;
    if (answered.mine && value.owned === 0) update({ mine: false });
    else setProbing(false);
  }, [probing, value, answered, update]);

  // The environments for the filter's choices: an answer for one environment has only it.
  const [environments, setEnvironments] = useState<string[]>([]);
  useEffect(() => {
    if (value && !answered?.environment) setEnvironments(value.environments);
  }, [value, answered]);

  let body;
  if (!value || probing) {
    body = fleet.error ? (
      <ResponseErrorPanel
        error={fleet.error}
        title="Could not load the fleet"
      />
    ) : (
      <Progress />
    );
  } else if (value.total === 0 && !isFiltered(answered)) {
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
        response={value}
        answered={answered}
        query={query}
        text={text}
        onTextChange={setText}
        onChange={update}
        environments={environments}
        loading={fleet.loading}
        error={fleet.error}
      />
    );
  }
  return (
    <>
      <ContentHeader title="Services">
        {value?.snapshot && (
          <Typography variant="caption" color="textSecondary">
            {snapshotCaption(value.snapshot)}
          </Typography>
        )}
      </ContentHeader>
      <StaleSnapshotWarning snapshot={value?.snapshot} what="the fleet" />
      {body}
    </>
  );
}
