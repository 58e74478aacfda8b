/**
 * The vmalert rules of the local hub: the same rule groups the hub template deploys as VMRules
 * (`defaultRuleGroups` of the scaffolder module), so what runs on loopback is what a hub runs,
 * and the SLO groups a *monitor a service* run renders for each example component that declares
 * objectives (`buildServiceRules`, the action's builder, on the example catalog).
 * Only the `for:` durations are shorter, and the period's SLO rules run every minute, so the
 * demo's alerts and budgets show within minutes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildServiceRules,
  CatalogEntity,
  defaultRuleGroups,
  RuleGroup,
  sloGroupNames,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { hasSloAnnotations } from '@hubspoke/backstage-plugin-monitoring-common';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './paths';

/** The example catalog's components, whose objectives the local hub evaluates. */
export const EXAMPLE_COMPONENTS = path.join(
  REPO_ROOT,
  'examples',
  'components.yaml',
);

/** The demo's period group interval (a hub's default is 5m). */
const DEMO_PERIOD_INTERVAL = '1m';

/** The example catalog's components (the demo services and their objectives). */
export function exampleComponents(file = EXAMPLE_COMPONENTS): CatalogEntity[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(doc => doc.toJS() as CatalogEntity)
    .filter(e => e?.kind === 'Component');
}

/** The SLO groups of the example components, as *monitor a service* renders them. */
export function exampleSloGroups(file = EXAMPLE_COMPONENTS): RuleGroup[] {
  return exampleComponents(file)
    .filter(e => hasSloAnnotations(e.metadata.annotations))
    .flatMap(entity => {
      const built = buildServiceRules({ entity });
      const period = sloGroupNames(built.rule.metadata.name).period;
      return built.sloGroups.map(group =>
        group.name === period
          ? { ...group, interval: DEMO_PERIOD_INTERVAL }
          : group,
      );
    });
}

export function stackRules() {
  return {
    groups: [
      ...defaultRuleGroups({ errorRatioFor: '1m', latencyFor: '2m' }),
      ...exampleSloGroups(),
    ],
  };
}
