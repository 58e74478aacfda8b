import { sampleHub, sampleSpoke } from '../__testUtils__/builders';
import { getAjv } from './ajv';
import { objectErrors } from './validateObjects';

// Own file, so that no other test has compiled validators in this module registry yet.
describe('compiling the operator schemas', () => {
  const hub = sampleHub('external-secrets');
  const spoke = sampleSpoke('external-secrets');
  const objects = [...hub.objects, ...spoke.spoke, ...spoke.hub];
  const validateAll = () => expect(objects.flatMap(objectErrors)).toEqual([]);

  it('compiles each distinct schema once, and nothing when validating again', () => {
    const compile = jest.spyOn(getAjv(), 'compile');
    validateAll();
    const compiled = compile.mock.calls.map(([schema]) =>
      JSON.stringify(schema),
    );
    expect(compiled.length).toBeGreaterThan(0);
    expect(new Set(compiled).size).toBe(compiled.length);

    compile.mockClear();
    validateAll();
    expect(compile).not.toHaveBeenCalled();
  });
});
