import { InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';
import {
  descriptorLocation,
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
      provider: 'github',
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

describe('descriptorLocation with the Gitea hosts of integrations.gitea', () => {
  const giteaHosts = [
    { host: '127.0.0.1:3300', baseUrl: 'http://127.0.0.1:3300' },
    { host: 'git.example.com', baseUrl: 'https://git.example.com/gitea/' },
  ];
  const at = (url: string) =>
    descriptorLocation(
      { 'backstage.io/managed-by-location': `url:${url}` },
      { giteaHosts },
    );

  it('reads the repository, branch and path of a file in a Gitea repository (as publish:gitea and catalog:register link it)', () => {
    expect(
      at(
        'http://127.0.0.1:3300/team-platform/shop/src/branch/main/services/payments/catalog-info.yaml',
      ),
    ).toEqual({
      url: 'http://127.0.0.1:3300/team-platform/shop/src/branch/main/services/payments/catalog-info.yaml',
      provider: 'gitea',
      repoUrl: '127.0.0.1:3300?owner=team-platform&repo=shop',
      branch: 'main',
      path: 'services/payments/catalog-info.yaml',
    });
    // A Gitea under a sub-path: the repoUrl names the integration's host.
    expect(
      at(
        'https://git.example.com/gitea/acme/payments/src/branch/release-2/catalog-info.yaml',
      ),
    ).toMatchObject({
      repoUrl: 'git.example.com?owner=acme&repo=payments',
      branch: 'release-2',
      path: 'catalog-info.yaml',
    });
    // GitHub still works beside them.
    expect(
      at('https://github.com/acme/shop/blob/main/catalog-info.yaml'),
    ).toMatchObject({
      provider: 'github',
      repoUrl: 'github.com?owner=acme&repo=shop',
    });
  });

  it.each([
    // Not a configured host (same path shape).
    'http://127.0.0.1:3301/team-platform/shop/src/branch/main/catalog-info.yaml',
    'http://127.0.0.1:3300.evil.example/team-platform/shop/src/branch/main/catalog-info.yaml',
    // A commit or tag, not a branch a pull request can target.
    'http://127.0.0.1:3300/team-platform/shop/src/commit/0123abc/catalog-info.yaml',
    'http://127.0.0.1:3300/team-platform/shop/src/tag/v1/catalog-info.yaml',
    // Climbing out of the repository, or a query.
    'http://127.0.0.1:3300/team-platform/shop/src/branch/main/../../x/catalog-info.yaml',
    'http://127.0.0.1:3300/team-platform/shop/src/branch/main/%2e%2e/catalog-info.yaml',
    'http://127.0.0.1:3300/team-platform/shop/src/branch/main/catalog-info.yaml?ref=x',
    'http://127.0.0.1:3300/team-platform/shop/src/branch/main/%E0%A4%A.yaml',
    // A branch git would read as something else.
    'http://127.0.0.1:3300/team-platform/shop/src/branch/-f/catalog-info.yaml',
    'http://127.0.0.1:3300/team-platform/shop/src/branch/a..b/catalog-info.yaml',
  ])('refuses %s, naming the Gitea hosts', url => {
    expect(() => at(url)).toThrow(InputError);
    expect(() => at(url)).toThrow(
      'A pull request needs the component registered from a file in a github.com repository or on a Gitea host of integrations.gitea (127.0.0.1:3300, git.example.com)',
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
