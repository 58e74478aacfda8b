/** Sample renders for the apply tests (the builders' own tests live with the builders). */
import {
  buildHub,
  buildSpoke,
} from '@hubspoke/backstage-plugin-monitoring-manifests';

type SecretStrategy = 'kubernetes' | 'external-secrets';

export function sampleHub(secretStrategy: SecretStrategy = 'kubernetes') {
  return buildHub({
    name: 'hub',
    storageClass: 'gp3',
    sharedStorageClass: 'efs',
    grafanaDomain: 'grafana.infra.example.com',
    secretStrategy,
  });
}

export function sampleSpoke(secretStrategy: SecretStrategy = 'kubernetes') {
  return buildSpoke({
    clusterName: 'dev',
    environment: 'dev',
    hubUrl: 'https://victoria-metrics.infra.example.com',
    storageClass: 'gp3',
    secretStrategy,
  });
}
