import { InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';
import {
  githubDescriptorLocation,
  mergeAnnotationsIntoDescriptor,
} from './descriptor';

const DESCRIPTOR = `# The shop's services: owned by team-shop.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  description: Talks to the payment provider # the PSP
  annotations:
    github.com/project-slug: acme/payments
spec:
  type: service
  owner: team-shop
---
# Its API lives here too.
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments
spec:
  type: openapi
  definition: |
    openapi: 3.0.0
`;

describe('githubDescriptorLocation', () => {
  it('reads the repository, branch and path of a github.com descriptor', () => {
    expect(
      githubDescriptorLocation({
        'backstage.io/managed-by-location':
          'url:https://github.com/acme/shop/blob/main/services/payments/catalog-info.yaml',
      }),
    ).toEqual({
      url: 'https://github.com/acme/shop/blob/main/services/payments/catalog-info.yaml',
      repoUrl: 'github.com?owner=acme&repo=shop',
      branch: 'main',
      path: 'services/payments/catalog-info.yaml',
    });
  });

  it.each([
    [undefined],
    [{}],
    [
      {
        'backstage.io/managed-by-location':
          'file:/srv/backstage/examples/components.yaml',
      },
    ],
    [
      {
        'backstage.io/managed-by-location':
          'url:http://127.0.0.1:3300/team-platform/x/src/branch/main/catalog-info.yaml',
      },
    ],
    [
      {
        'backstage.io/managed-by-location':
          'url:https://github.com/acme/shop/blob/main/../../etc/passwd',
      },
    ],
    [
      {
        'backstage.io/managed-by-location':
          'url:https://github.com.evil.example/acme/shop/blob/main/catalog-info.yaml',
      },
    ],
  ])('refuses %j with an InputError', annotations => {
    expect(() => githubDescriptorLocation(annotations as any)).toThrow(
      InputError,
    );
    expect(() => githubDescriptorLocation(annotations as any)).toThrow(
      /needs the component registered from a file in a github.com repository/,
    );
  });
});

describe('mergeAnnotationsIntoDescriptor', () => {
  const merged = mergeAnnotationsIntoDescriptor(
    DESCRIPTOR,
    { kind: 'Component', name: 'payments' },
    {
      'backstage.io/kubernetes-id': 'payments',
      'monitoring/metrics-profile': 'http',
    },
  );

  it('sets the annotations on the component only', () => {
    const [component, api] = parseAllDocuments(merged).map(d => d.toJS());
    expect(component.metadata.annotations).toEqual({
      'github.com/project-slug': 'acme/payments',
      'backstage.io/kubernetes-id': 'payments',
      'monitoring/metrics-profile': 'http',
    });
    expect(api).toEqual(parseAllDocuments(DESCRIPTOR)[1].toJS());
  });

  it('keeps every other line, comments included', () => {
    const added = merged
      .split('\n')
      .filter(l => !DESCRIPTOR.split('\n').includes(l));
    expect(added).toEqual([
      '    backstage.io/kubernetes-id: payments',
      '    monitoring/metrics-profile: http',
    ]);
    expect(merged).toContain("# The shop's services: owned by team-shop.");
    expect(merged).toContain(
      'description: Talks to the payment provider # the PSP',
    );
    expect(merged).toContain('# Its API lives here too.');
  });

  it('refuses a file that does not hold the component', () => {
    expect(() =>
      mergeAnnotationsIntoDescriptor(
        DESCRIPTOR,
        { kind: 'Component', name: 'checkout' },
        { a: 'b' },
      ),
    ).toThrow("the component's descriptor holds no Component default/checkout");
  });
});
