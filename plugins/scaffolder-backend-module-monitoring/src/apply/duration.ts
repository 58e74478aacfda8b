import { parseDurationMs } from '@hubspoke/backstage-plugin-monitoring-common';

/**
 * `10m`, `90s`, `1h30m`, `500ms` -> milliseconds: the duration grammar (monitoring-common) with
 * milliseconds to hours, terms combined in any order, surrounding blanks ignored.
 */
export function parseDuration(text: string): number | undefined {
  return parseDurationMs(text.trim(), {
    units: ['ms', 's', 'm', 'h'],
    compound: 'any-order',
  });
}
