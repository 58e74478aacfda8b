/**
 * The database flags the local hub shares with the hub template: retention as rendered (the hub
 * contract's, monitoring-common), and deduplication at the scrape interval, which is the rule the hub
 * applies (`-dedup.minScrapeInterval` = the spokes' scrape interval) with the local stack's
 * shorter interval. A test holds both to the builders.
 */
import { HUB_RETENTION } from '@hubspoke/backstage-plugin-monitoring-common';
import { LOCAL_SCRAPE_INTERVAL } from './vmagentConfig';

export const HUB_FLAGS = {
  retentionPeriod: HUB_RETENTION,
  dedupMinScrapeInterval: LOCAL_SCRAPE_INTERVAL,
} as const;
