/**
 * What the backend asks VMSelect for one entity's objectives: every expression is built here,
 * from the contract's SLI (`sloErrorRatioQuery`) and the service's matchers, before any query
 * runs, so a bad annotation is the caller's 400 and nothing is sent.
 */
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_SLO_LATENCY_THRESHOLD,
  buildSelector,
  InvalidMatcherError,
  InvalidSloError,
  isServiceAlertProfile,
  LabelMatcher,
  parseSloAnnotations,
  resolveServiceTarget,
  SERVICE_ALERT_PROFILES,
  SERVICE_ALERT_SIGNALS,
  ServiceAlertProfile,
  ServiceSlos,
  SLO_WINDOWS,
  sloErrorRatioQuery,
  sloRequestRateQuery,
  sloThresholdMatcher,
  SloObjective,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { RangeParams } from '../vmselect/VmSelectClient';

/**
 * Points of a budget history. Fewer than 50: VictoriaMetrics moves the points of a range of 50
 * or more onto multiples of its step (to cache them), which would end the history up to a step
 * before the instant asked for, and no longer at the period's end.
 */
export const HISTORY_POINTS = 48;

/** The queries of one objective. */
export interface ObjectiveQueries {
  objective: SloObjective;
  /** Latency: the threshold as the entity wrote it, for messages. */
  thresholdText?: string;
  /** The error ratio over each of SLO_WINDOWS, in that order (instant). */
  windows: string[];
  /** The error ratio over the whole period (instant). */
  period: string;
  /**
   * The period in HISTORY_POINTS intervals (range): the error ratio of each interval, and the
   * request rate it is a ratio of (the SLI's own denominator).
   */
  history: { errorRatio: string; requests: string; range: RangeParams };
  /** Latency: the histogram's series at the threshold and at +Inf, counted by `le` (instant). */
  buckets?: { query: string; metric: string };
}

export interface SloPlan {
  slos: ServiceSlos;
  objectives: ObjectiveQueries[];
}

/** A whole number of seconds as a PromQL duration in its largest exact unit (`15h`, `210m`). */
export function durationText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** The histogram's series at the threshold's spellings and at +Inf, counted by `le`. */
function bucketsQuery(
  profile: ServiceAlertProfile,
  matchers: readonly LabelMatcher[],
  thresholdSeconds: number,
) {
  const metric = SERVICE_ALERT_SIGNALS[profile].durationBucketsMetric;
  const threshold = sloThresholdMatcher(thresholdSeconds);
  const le = { ...threshold, value: `\\+Inf|${threshold.value}` };
  return {
    metric,
    query: `count by (le) (${buildSelector([...matchers, le], metric)})`,
  };
}

/**
 * The entity's objectives and their queries at `time` (unix seconds); no objectives, no
 * queries. Bad SLO or monitoring annotations, or a profile without an SLI, are an InputError.
 */
export function sloPlan(entity: Entity, time: number): SloPlan {
  const annotations = entity.metadata.annotations;
  try {
    const slos = parseSloAnnotations(annotations);
    if (slos.objectives.length === 0) return { slos, objectives: [] };
    const target = resolveServiceTarget(annotations);
    const profile = target.profile;
    if (!isServiceAlertProfile(profile)) {
      throw new InputError(
        `the metrics profile "${profile.slice(0, 64)}" has no SLI; objectives need one of ${SERVICE_ALERT_PROFILES.join(', ')}`,
      );
    }
    const periodSeconds = slos.periodMs / 1000;
    // Whole days over 48 intervals: always whole minutes (30d: 15h).
    const stepSeconds = periodSeconds / HISTORY_POINTS;
    const step = durationText(stepSeconds);
    const { matchers } = target;
    return {
      slos,
      objectives: slos.objectives.map(objective => {
        const sli = (window: string) =>
          sloErrorRatioQuery({ profile, matchers, objective, window });
        return {
          objective,
          ...(objective.slo === 'latency'
            ? {
                thresholdText:
                  annotations?.[ANNOTATION_SLO_LATENCY_THRESHOLD]?.trim(),
                buckets: bucketsQuery(
                  profile,
                  matchers,
                  objective.thresholdSeconds!,
                ),
              }
            : {}),
          windows: SLO_WINDOWS.map(sli),
          period: sli(slos.period),
          history: {
            errorRatio: sli(step),
            requests: sloRequestRateQuery({
              profile,
              matchers,
              objective,
              window: step,
            }),
            // Each point is the interval that ends at it: the first starts where the period does.
            range: {
              start: time - periodSeconds + stepSeconds,
              end: time,
              stepSeconds,
            },
          },
        };
      }),
    };
  } catch (e) {
    if (e instanceof InvalidSloError || e instanceof InvalidMatcherError)
      throw new InputError(e.message);
    throw e;
  }
}

/** The upstream queries a plan sends. */
export function queryCount(plan: SloPlan): number {
  return plan.objectives.reduce(
    (n, o) => n + o.windows.length + 1 + 2 + (o.buckets ? 1 : 0),
    0,
  );
}
