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
 * How often an open fleet page asks again: the backend's snapshot is refreshed every 30 s by
 * default, so a page left open follows it (and a page opened before the first snapshot held
 * the catalog's services fills in by itself).
 */
export const FLEET_REFRESH_MS = 30_000;
/** ... and while it has no service at all (a backend just started, its catalog still filling). */
export const EMPTY_FLEET_REFRESH_MS = 5_000;

/**
 * One page of the fleet for `filters`, requested again whenever they change (by value) and
 * every FLEET_REFRESH_MS; an answer that arrives after a newer request started is dropped.
 */
export function useFleet(filters: FleetFilters): FleetState {
  const api = useApi(monitoringApiRef);
  const [state, setState] = useState<FleetState>({ loading: true });
  const [tick, setTick] = useState(0);
  const empty = state.value?.total === 0;
  useEffect(() => {
    const timer = setInterval(
      () => setTick(t => t + 1),
      empty ? EMPTY_FLEET_REFRESH_MS : FLEET_REFRESH_MS,
    );
    return () => clearInterval(timer);
  }, [empty]);
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
  }, [api, key, tick]);
  return state;
}
