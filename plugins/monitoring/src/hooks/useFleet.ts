import { useApi } from '@backstage/core-plugin-api';
import {
  FleetFilters,
  FleetResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { useEffect, useState } from 'react';
import { monitoringApiRef } from '../api';

/** The last answer of `GET /fleet`, the filters it answered, and the current request's state. */
export interface FleetState {
  /** The last successful answer: kept while the next request loads, and after it fails. */
  value?: FleetResponse;
  /** The filters `value` answered. */
  filters?: FleetFilters;
  /** A request for `filters` is in flight. */
  loading: boolean;
  /** The current request failed. */
  error?: Error;
}

/**
 * One page of the fleet for `filters`, requested again whenever they change (by value); an
 * answer that arrives after a newer request started is dropped.
 */
export function useFleet(filters: FleetFilters): FleetState {
  const api = useApi(monitoringApiRef);
  const [state, setState] = useState<FleetState>({ loading: true });
  const key = JSON.stringify(filters);
  useEffect(() => {
    let current = true;
    const asked = JSON.parse(key) as FleetFilters;
    setState(s => ({ ...s, loading: true, error: undefined }));
    api.getFleet(asked).then(
      value => {
        if (current) setState({ value, filters: asked, loading: false });
      },
      error => {
        if (current) setState(s => ({ ...s, loading: false, error }));
      },
    );
    return () => {
      current = false;
    };
  }, [api, key]);
  return state;
}
