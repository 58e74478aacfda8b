import {
  checkGoToolchain,
  isGoVersionAtLeast,
  MIN_GO_VERSION,
  parseGoVersion,
} from './components';

describe("the local hub's Go toolchain check", () => {
  it("reads go versions and compares them with the modules' minimum", () => {
    expect(parseGoVersion('go1.26.8')).toEqual([1, 26, 8]);
    expect(parseGoVersion('go1.27rc1')).toEqual([1, 27, 0]);
    expect(isGoVersionAtLeast([1, 26, 8], '1.26.6')).toBe(true);
    expect(isGoVersionAtLeast([1, 26, 5], '1.26.6')).toBe(false);
    expect(isGoVersionAtLeast([1, 25, 9], '1.26.6')).toBe(false);
    expect(isGoVersionAtLeast([2, 0, 0], '1.26.6')).toBe(true);
  });

  it('fails without go on PATH, saying what to install', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => checkGoToolchain()).toThrow(
        `building the stack needs Go >= ${MIN_GO_VERSION} (found: no \`go\` on PATH)`,
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
