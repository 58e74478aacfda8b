import {
  kubePodLabelName,
  kubeStateMetricsRelabeling,
  podLabelMetaName,
  podTargetRelabeling,
} from './labelContract';

/** Applies a replace rule the way Prometheus and vmagent do (anchored regex, $1 expansion). */
function applyReplace(
  rules: ReturnType<typeof podTargetRelabeling>,
  labels: Record<string, string>,
) {
  const out = { ...labels };
  for (const r of rules) {
    const value = (r.source_labels ?? [])
      .map(l => out[l] ?? '')
      .join(r.separator ?? ';');
    const m = new RegExp(`^(?:${r.regex ?? '(.*)'})$`).exec(value);
    if (!m || !r.target_label) continue;
    out[r.target_label] = (r.replacement ?? '$1').replace(
      /\$(\d)/g,
      (_, i) => m[Number(i)] ?? '',
    );
  }
  return out;
}

describe('label contract', () => {
  it('derives the names service discovery and kube-state-metrics use', () => {
    expect(podLabelMetaName('backstage.io/kubernetes-id')).toBe(
      '__meta_kubernetes_pod_label_backstage_io_kubernetes_id',
    );
    expect(kubePodLabelName('app.kubernetes.io/name')).toBe(
      'label_app_kubernetes_io_name',
    );
  });

  it('sets service from the kubernetes id first, then app.kubernetes.io/name', () => {
    const both = applyReplace(podTargetRelabeling(), {
      __meta_kubernetes_namespace: 'shop',
      __meta_kubernetes_pod_name: 'checkout-1',
      __meta_kubernetes_pod_label_backstage_io_kubernetes_id: 'checkout',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'checkout-app',
    });
    expect(both).toMatchObject({
      namespace: 'shop',
      pod: 'checkout-1',
      service: 'checkout',
    });

    const nameOnly = applyReplace(podTargetRelabeling(), {
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'checkout-app',
    });
    expect(nameOnly.service).toBe('checkout-app');

    const none = applyReplace(podTargetRelabeling(), {});
    expect(none.service).toBeUndefined();
  });

  it('gives kube_pod_labels the same service value', () => {
    const out = applyReplace(kubeStateMetricsRelabeling(), {
      label_app_kubernetes_io_name: 'payments',
    });
    expect(out.service).toBe('payments');
  });
});
