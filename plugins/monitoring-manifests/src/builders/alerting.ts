/**
 * Alerting on the hub: vmalert ("VMAlert (2x), Alerting & Recording Rules"), its default rules
 * as VMRules, and Alertmanager with its receivers in a Secret.
 */
import {
  antiAffinity,
  object,
  OPERATOR_API_VERSION,
  operatorPodLabels,
  operatorSecurity,
} from './common';
import { HubContext, vminsertUrl, vmselectUrl } from './cluster';
import * as D from './defaults';
import { defaultRuleGroups, RuleGroup } from './rules';
import { K8sObject } from './types';

/** The label VMRules need to be loaded by the hub's vmalert. */
export const RULE_LABEL = 'monitoring.backstage.io/hub';

export function alertmanagerSecretName(hub: string): string {
  return `${hub}-alertmanager`;
}

export function vmAlert(ctx: HubContext, replicas: number): K8sObject {
  return object(
    OPERATOR_API_VERSION,
    'VMAlert',
    { name: ctx.name, namespace: ctx.namespace, labels: ctx.labels },
    {
      spec: {
        replicaCount: replicas,
        port: String(D.PORTS.vmalert),
        evaluationInterval: D.EVALUATION_INTERVAL,
        datasource: { url: vmselectUrl(ctx) },
        // Recording-rule results and alert state go back into the cluster.
        remoteWrite: { url: vminsertUrl(ctx) },
        remoteRead: { url: vmselectUrl(ctx) },
        notifiers: [
          {
            selector: {
              labelSelector: { matchLabels: { [RULE_LABEL]: ctx.name } },
              namespaceSelector: { matchNames: [ctx.namespace] },
            },
          },
        ],
        selectAllByDefault: false,
        ruleSelector: { matchLabels: { [RULE_LABEL]: ctx.name } },
        // Any namespace: a service team's VMRule (monitor-a-service template) is picked up too.
        ruleNamespaceSelector: {},
        resources: D.resourcesFor(D.RESOURCES.vmalert),
        affinity: antiAffinity(operatorPodLabels('vmalert', ctx.name)),
        podDisruptionBudget: { maxUnavailable: 1 },
        ...operatorSecurity(D.RUN_AS.victoriaMetrics),
      },
    },
  );
}

/** One VMRule per default rule group. */
export function vmRules(
  ctx: HubContext,
  groups: RuleGroup[] = defaultRuleGroups(),
): K8sObject[] {
  return groups.map(group =>
    object(
      OPERATOR_API_VERSION,
      'VMRule',
      {
        name: `${ctx.name}-${group.name}`,
        namespace: ctx.namespace,
        labels: { ...ctx.labels, [RULE_LABEL]: ctx.name },
      },
      {
        spec: {
          groups: [
            {
              name: group.name,
              ...(group.interval ? { interval: group.interval } : {}),
              rules: group.rules.map(rule => ({ ...rule })),
            },
          ],
        },
      },
    ),
  );
}

/**
 * Alertmanager: the receivers (Slack webhooks, PagerDuty keys, ...) are secrets, so the whole
 * `alertmanager.yaml` comes from a Secret (`configSecret`) the operator provides.
 */
export function vmAlertmanager(ctx: HubContext): K8sObject {
  return object(
    OPERATOR_API_VERSION,
    'VMAlertmanager',
    { name: ctx.name, namespace: ctx.namespace, labels: ctx.labels },
    {
      spec: {
        replicaCount: D.REPLICAS.vmalertmanager,
        port: String(D.PORTS.alertmanager),
        configSecret: alertmanagerSecretName(ctx.name),
        selectAllByDefault: false,
        resources: D.resourcesFor(D.RESOURCES.vmalertmanager),
        affinity: antiAffinity(operatorPodLabels('vmalertmanager', ctx.name)),
        podDisruptionBudget: { maxUnavailable: 1 },
        ...operatorSecurity(D.RUN_AS.victoriaMetrics),
      },
    },
  );
}
