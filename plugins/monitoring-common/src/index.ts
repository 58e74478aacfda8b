/**
 * Isomorphic parts of the monitoring plugins: annotations, the label contract, permissions,
 * PromQL selector building and API types.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './labelContract';
export * from './promql';
export * from './serviceSelector';
export * from './serviceAlerts';
export * from './permissions';
export * from './types';
export * from './alertTypes';
export * from './alertScope';
export * from './fleetSignals';
export * from './fleetTypes';
export * from './stackSignals';
export * from './stackTypes';
export * from './claims';
