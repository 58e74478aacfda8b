import {
  entityClaim,
  owningClaimants,
  ServiceClaimant,
  TrustedLocations,
} from './claims';

const from = (origin?: string) => {
  const annotations: Record<string, string> = {};
  if (origin) annotations['backstage.io/managed-by-origin-location'] = origin;
  return { metadata: { annotations } };
};

describe('TrustedLocations', () => {
  const trusted = TrustedLocations.of([
    'file:/srv/catalog/all.yaml',
    'url:https://git.example.com/platform/catalog/',
  ]);

  it('trusts exact locations and what lies below a prefix', () => {
    expect(trusted.trusts(from('file:/srv/catalog/all.yaml'))).toBe(true);
    expect(
      trusted.trusts(
        from('url:https://git.example.com/platform/catalog/team/x.yaml'),
      ),
    ).toBe(true);
  });

  it.each([
    undefined,
    'file:/srv/catalog/all.yaml.evil',
    'url:https://git.example.com/platform/catalog-evil/x.yaml',
    'url:https://git.example.com/platform/catalog/../../evil/x.yaml',
    'url:https://git.example.com/platform/catalog/%2e%2e/evil/x.yaml',
    'url:https://git.example.com/platform/catalog/./../x.yaml',
  ])('does not trust %s', origin => {
    expect(trusted.trusts(from(origin))).toBe(false);
  });

  it('reads catalog.locations (file targets resolved as the catalog does) and the configured ones', () => {
    const config = {
      getOptionalStringArray: () => ['url:https://git.example.com/org/'],
      getOptionalConfigArray: () => [
        { getString: (k: string) => (k === 'type' ? 'file' : '../all.yaml') },
      ],
    };
    const fromConfig = TrustedLocations.fromConfig(config, t =>
      t.replace('..', '/srv'),
    );
    expect(fromConfig.trusts(from('file:/srv/all.yaml'))).toBe(true);
    expect(
      fromConfig.trusts(from('url:https://git.example.com/org/a.yaml')),
    ).toBe(true);
    expect(() =>
      TrustedLocations.fromConfig(
        { ...config, getOptionalStringArray: () => ['not a location'] },
        t => t,
      ),
    ).toThrow(/is not a location/);
  });
});

describe('the claim rules', () => {
  const claimant = (
    ref: string,
    trusted: boolean,
    namespace?: string,
  ): ServiceClaimant => ({
    ref,
    trusted,
    identity: { service: 'payments', ...(namespace ? { namespace } : {}) },
  });
  const owner = claimant('component:default/payments', true, 'shop');
  const impostor = claimant('component:default/impostor', false, 'shop');

  it('makes trusted claimants the owners, else every claimant', () => {
    expect(
      owningClaimants([owner, impostor], { service: 'payments' }).map(
        c => c.ref,
      ),
    ).toEqual(['component:default/payments']);
    expect(
      owningClaimants([impostor, { ...owner, trusted: false }], {
        service: 'payments',
      }),
    ).toHaveLength(2);
  });

  it("describes an entity's claim without naming the others", () => {
    expect(
      entityClaim(impostor.ref, false, impostor.identity, [owner, impostor]),
    ).toEqual({
      service: 'payments',
      namespace: 'shop',
      owner: false,
      trusted: false,
      otherOwners: 1,
      ignoredClaimants: 0,
      soleOwner: false,
    });
    expect(
      entityClaim(owner.ref, true, owner.identity, [owner, impostor]),
    ).toMatchObject({
      owner: true,
      otherOwners: 0,
      ignoredClaimants: 1,
      soleOwner: true,
    });
  });
});
