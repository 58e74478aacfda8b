/**
 * The SLO fields of monitor-a-service's input: each sets one `monitoring/slo-*` annotation
 * (monitoring-common's grammar, so the form, the action and the backend refuse the same values),
 * and the severities of the burn-rate alerts.
 */
import {
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_LATENCY,
  ANNOTATION_SLO_LATENCY_THRESHOLD,
  ANNOTATION_SLO_PERIOD,
  InvalidSloError,
  parseSloPeriod,
  parseSloTarget,
  parseSloThreshold,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { z } from 'zod/v3';
import { optional } from './zodFields';

type Z = typeof z;

/** Severities of the burn-rate alerts: the workbook pages on fast burns, tickets on slow ones. */
export const SLO_SEVERITY_DEFAULTS = { page: 'critical', ticket: 'warning' };

/** A string the given monitoring-common parser accepts; its message otherwise. */
const parsed = (zi: Z, parse: (text: string) => unknown) =>
  zi
    .string()
    .max(32, 'must be at most 32 characters')
    .superRefine((text, ctx) => {
      try {
        parse(text);
      } catch (e) {
        if (!(e instanceof InvalidSloError)) throw e;
        ctx.addIssue({ code: 'custom', message: e.message });
      }
    });

const severity = (zi: Z, fallback: string, what: string) =>
  zi
    .enum(['critical', 'warning', 'info'])
    .default(fallback as 'critical')
    .describe(
      `severity label of the ${what} burn-rate alert (default ${fallback})`,
    );

export function sloFields(zi: Z) {
  return {
    sloAvailability: optional(
      zi,
      parsed(zi, t => parseSloTarget(t, ANNOTATION_SLO_AVAILABILITY)),
    ).describe(
      `Sets ${ANNOTATION_SLO_AVAILABILITY}: the share of requests without a server error to keep, in percent (e.g. 99.9); omit to keep the component's`,
    ),
    sloLatency: optional(
      zi,
      parsed(zi, t => parseSloTarget(t, ANNOTATION_SLO_LATENCY)),
    ).describe(
      `Sets ${ANNOTATION_SLO_LATENCY}: the share of requests faster than the threshold to keep, in percent (e.g. 99); needs a threshold`,
    ),
    sloLatencyThreshold: optional(zi, parsed(zi, parseSloThreshold)).describe(
      `Sets ${ANNOTATION_SLO_LATENCY_THRESHOLD}: the latency objective's threshold (e.g. 500ms); must be a bucket boundary of the duration histogram`,
    ),
    sloPeriod: optional(zi, parsed(zi, parseSloPeriod)).describe(
      `Sets ${ANNOTATION_SLO_PERIOD}: the objectives' rolling period in days, 7d to 90d (default 30d)`,
    ),
    sloPageSeverity: severity(zi, SLO_SEVERITY_DEFAULTS.page, 'page'),
    sloTicketSeverity: severity(zi, SLO_SEVERITY_DEFAULTS.ticket, 'ticket'),
  };
}

/** The `monitoring/slo-*` annotations a run sets: each only when asked for. */
export function sloAnnotationsToSet(o: {
  sloAvailability?: string;
  sloLatency?: string;
  sloLatencyThreshold?: string;
  sloPeriod?: string;
}): Record<string, string> {
  const set: Record<string, string> = {};
  if (o.sloAvailability)
    set[ANNOTATION_SLO_AVAILABILITY] = o.sloAvailability.trim();
  if (o.sloLatency) set[ANNOTATION_SLO_LATENCY] = o.sloLatency.trim();
  if (o.sloLatencyThreshold)
    set[ANNOTATION_SLO_LATENCY_THRESHOLD] = o.sloLatencyThreshold.trim();
  if (o.sloPeriod) set[ANNOTATION_SLO_PERIOD] = o.sloPeriod.trim();
  return set;
}
