import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, isError } from '@backstage/errors';
import {
  EntityMetricsResponse,
  EnvironmentSeries,
  InvalidMatcherError,
  LABELS,
  PanelResult,
  renderMatchers,
  resolveServiceTarget,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { MonitoringConfig } from '../config';
import { PanelTemplate, renderQuery } from './profiles';
import { QueryRunner } from './QueryRunner';
import { QueryRange } from './timeRange';
import { grafanaExploreLink, vmuiLink } from './deepLinks';

/** What the backend will query for an entity: thrown as InputError when annotations are bad. */
export function entityQueries(
  entity: Entity,
  config: MonitoringConfig,
  range: QueryRange,
) {
  try {
    const target = resolveServiceTarget(entity.metadata.annotations);
    // An own property only: `constructor` or `__proto__` must not reach Object.prototype.
    const panels = Object.prototype.hasOwnProperty.call(
      config.profiles,
      target.profile,
    )
      ? config.profiles[target.profile]
      : undefined;
    if (!panels) {
      throw new InputError(
        `unknown metrics profile "${target.profile.slice(0, 64)}"; known: ${Object.keys(config.profiles).join(', ')}`,
      );
    }
    const podMatchers = target.matchers.filter(
      m => m.name === LABELS.service || m.name === LABELS.namespace,
    );
    const values = {
      selector: renderMatchers(target.matchers),
      podSelector: renderMatchers(podMatchers),
      cadvisorSelector: renderMatchers([
        { name: LABELS.container, op: '!=', value: '' },
        { name: LABELS.container, op: '!=', value: 'POD' },
        ...target.matchers.filter(m => m.name === LABELS.namespace),
      ]),
      window: `${range.windowSeconds}s`,
    };
    return {
      target,
      panels: panels.map(p => ({
        panel: p,
        query: renderQuery(p.query, values),
      })),
    };
  } catch (e) {
    // Every annotation problem is the caller's 400, decided before any query runs.
    if (e instanceof InvalidMatcherError) throw new InputError(e.message);
    throw e;
  }
}

function orderEnvironments(
  configured: string[],
  seen: Iterable<string>,
): string[] {
  const extra = [...new Set(seen)].filter(e => !configured.includes(e)).sort();
  return [...configured, ...extra];
}

/** Builds the metrics response of one entity: every panel of its profile, per environment. */
export class EntityMetricsService {
  constructor(
    private readonly config: MonitoringConfig,
    private readonly runner: QueryRunner,
    private readonly logger: LoggerService,
  ) {}

  private links(query: string, range: QueryRange): PanelResult['links'] {
    const { vmuiUrl, grafanaUrl } = this.config;
    return {
      ...(vmuiUrl ? { vmui: vmuiLink(vmuiUrl, query, range) } : {}),
      ...(grafanaUrl
        ? { grafana: grafanaExploreLink(grafanaUrl, query, range) }
        : {}),
    };
  }

  /** `signal`: the caller's request; once it closes, its queries still queued are not sent. */
  async getMetrics(
    entity: Entity,
    range: QueryRange,
    signal?: AbortSignal,
  ): Promise<EntityMetricsResponse> {
    const entityRef = stringifyEntityRef(entity);
    const { target, panels } = entityQueries(entity, this.config, range);
    const release = this.runner.admit(panels.length);
    const settled = await Promise.allSettled(
      panels.map(({ query }) => this.runner.queryRange(query, range, signal)),
    ).finally(release);

    // Every panel failing is one upstream problem: answer with its error, not 7 partial ones.
    const firstFailure = settled.find(s => s.status === 'rejected') as
      PromiseRejectedResult | undefined;
    if (firstFailure && settled.every(s => s.status === 'rejected')) {
      throw firstFailure.reason;
    }

    const seen = new Set<string>();
    const results: Array<{
      panel: PanelTemplate;
      query: string;
      series?: EnvironmentSeries[];
      error?: string;
    }> = settled.map((s, i) => {
      const { panel, query } = panels[i];
      if (s.status === 'rejected') {
        const message = isError(s.reason) ? s.reason.message : 'query failed';
        this.logger.warn(
          `monitoring panel ${panel.id} of ${entityRef} failed: ${message}`,
        );
        return { panel, query, error: message };
      }
      const series = s.value.map(r => {
        const environment = r.metric[LABELS.environment] ?? 'unknown';
        seen.add(environment);
        const last = r.points[r.points.length - 1];
        return { environment, points: r.points, latest: last ? last[1] : null };
      });
      return { panel, query, series };
    });

    const environments = orderEnvironments(this.config.environments, seen);
    const rank = (env: string) => environments.indexOf(env);
    return {
      entityRef,
      service: target.service,
      profile: target.profile,
      from: new Date(range.start * 1000).toISOString(),
      to: new Date(range.end * 1000).toISOString(),
      stepSeconds: range.stepSeconds,
      environments,
      panels: results.map(({ panel, query, series, error }): PanelResult => ({
        id: panel.id,
        title: panel.title,
        unit: panel.unit,
        series: (series ?? []).sort(
          (a, b) => rank(a.environment) - rank(b.environment),
        ),
        ...(error ? { error } : {}),
        query,
        links: this.links(query, range),
      })),
    };
  }
}
