/**
 * The label contract's relabel rules (Prometheus snake_case, from monitoring-common) in the
 * operator's camelCase field names (`sourceLabels`, `targetLabel`).
 */
import type { RelabelRule } from '@hubspoke/backstage-plugin-monitoring-common';

/**
 * A relabel rule in the operator's camelCase field names.
 *
 * @public
 */
export interface OperatorRelabelRule {
  action?: string;
  sourceLabels?: string[];
  separator?: string;
  regex?: string;
  targetLabel?: string;
  replacement?: string;
}

/**
 * The label contract's relabel rules (Prometheus snake_case) in the operator's camelCase form.
 *
 * @public
 */
export function toOperatorRelabel(rules: RelabelRule[]): OperatorRelabelRule[] {
  return rules.map(rule => {
    const out: OperatorRelabelRule = {};
    if (rule.action !== undefined) out.action = rule.action;
    if (rule.source_labels !== undefined)
      out.sourceLabels = [...rule.source_labels];
    if (rule.separator !== undefined) out.separator = rule.separator;
    if (rule.regex !== undefined) out.regex = rule.regex;
    if (rule.target_label !== undefined) out.targetLabel = rule.target_label;
    if (rule.replacement !== undefined) out.replacement = rule.replacement;
    return out;
  });
}

/** Drops every series whose name matches one of the patterns (anchored, RE2 syntax). */
export function dropMetrics(patterns: string[]): OperatorRelabelRule {
  return {
    action: 'drop',
    sourceLabels: ['__name__'],
    regex: `(${patterns.join('|')})`,
  };
}

/** Keeps only the series whose name matches one of the patterns. */
export function keepMetrics(patterns: string[]): OperatorRelabelRule {
  return {
    action: 'keep',
    sourceLabels: ['__name__'],
    regex: `(${patterns.join('|')})`,
  };
}
