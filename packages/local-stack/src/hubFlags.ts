/**
 * The database flags the local hub shares with the hub template: retention as rendered (the hub
 * contract's, monitoring-common), and deduplication at the scrape interval, which is the rule the hub
 * applies (`-dedup.minScrapeInterval` = the spokes' scrape interval) with the local stack's
 * shorter interval. A test holds both to the builders.
 */
import { LOCAL_SCRAPE_INTERVAL } from './vmagentConfig';

/**
 * The local hub keeps 31 days, not the hub contract's 15: the demo services declare 30-day
 * objectives and the stack backfills their 30 days. The hub template takes the same value as
 * its `retention` input (the architecture guide's "Retention Scaling": 15d -> 30d); the app
 * config's `monitoring.retention` says the same to the backend.
 */
export const LOCAL_HUB_RETENTION = '31d';

export const HUB_FLAGS = {
  retentionPeriod: LOCAL_HUB_RETENTION,
  dedupMinScrapeInterval: LOCAL_SCRAPE_INTERVAL,
} as const;
