/**
 * The vmalert rules of the local hub: the same rule groups the hub template deploys as VMRules
 * (`defaultRuleGroups` of the scaffolder module), so what runs on loopback is what a hub runs.
 * Only the `for:` durations are shorter, so the demo's alerts fire within minutes.
 */
import { defaultRuleGroups } from '@hubspoke/backstage-plugin-monitoring-manifests';

export function stackRules() {
  return {
    groups: defaultRuleGroups({ errorRatioFor: '1m', latencyFor: '2m' }),
  };
}
