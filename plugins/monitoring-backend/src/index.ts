/**
 * The `monitoring` backend plugin: per-service metrics from a VictoriaMetrics hub.
 *
 * @packageDocumentation
 */
export { monitoringPlugin as default } from './plugin';
