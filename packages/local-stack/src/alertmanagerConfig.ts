/** A minimal Alertmanager config: everything goes to a receiver with no integrations. */
export function alertmanagerConfig() {
  return {
    route: {
      receiver: 'default',
      group_by: ['alertname', 'service', 'environment'],
      group_wait: '10s',
      group_interval: '1m',
      repeat_interval: '4h',
    },
    receivers: [{ name: 'default' }],
  };
}
