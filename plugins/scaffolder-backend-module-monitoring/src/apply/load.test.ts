import {
  buildHub,
  buildServiceRules,
  buildSpoke,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { exampleInput } from '../__testUtils__/actions';
import { examples as hubExamples } from '../actions/hubRender.examples';
import { examples as spokeExamples } from '../actions/spokeRender.examples';
import { RENDERED_KINDS } from './load';

/** The actions' first examples, with either secret strategy. */
const sampleHub = (secretStrategy = 'kubernetes') =>
  buildHub({ ...exampleInput(hubExamples[0].example), secretStrategy } as any);
const sampleSpoke = (secretStrategy = 'kubernetes') =>
  buildSpoke({
    ...exampleInput(spokeExamples[0].example),
    secretStrategy,
  } as any);

describe("apply's allow-list of kinds", () => {
  it('holds every kind the builders render (hub with either secret strategy, spoke and hub side, service rule)', () => {
    const hub = sampleHub();
    const external = sampleHub('external-secrets');
    const spoke = sampleSpoke();
    const externalSpoke = sampleSpoke('external-secrets');
    const rule = buildServiceRules({
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'payments',
          annotations: { 'backstage.io/kubernetes-id': 'payments' },
        },
      },
    } as any).rule;
    const rendered = new Set(
      [
        ...hub.objects,
        ...external.objects,
        ...spoke.spoke,
        ...spoke.hub,
        ...externalSpoke.spoke,
        ...externalSpoke.hub,
        rule,
      ].map(o => `${o.apiVersion} ${o.kind}`),
    );
    expect([...rendered].filter(k => !RENDERED_KINDS.has(k))).toEqual([]);
    // And nothing beyond them: a kind no builder makes is no kind apply needs.
    expect([...RENDERED_KINDS].filter(k => !rendered.has(k))).toEqual([]);
  });
});
