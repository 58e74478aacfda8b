/**
 * The database flags the local hub shares with the hub template (`builders/defaults.ts`):
 * retention as rendered, and deduplication at the scrape interval, which is the rule the hub
 * applies (`-dedup.minScrapeInterval` = the spokes' scrape interval) with the local stack's
 * shorter interval. A test holds both to the builders.
 */
import { RETENTION } from '@hubspoke/backstage-plugin-scaffolder-backend-module-monitoring';
import { LOCAL_SCRAPE_INTERVAL } from './vmagentConfig';

export const HUB_FLAGS = {
  retentionPeriod: RETENTION,
  dedupMinScrapeInterval: LOCAL_SCRAPE_INTERVAL,
} as const;
