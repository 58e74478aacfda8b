/** What a silence covers: one alert or all, in one environment or all. */
export interface SilenceTarget {
  alertname?: string;
  environment?: string;
}
