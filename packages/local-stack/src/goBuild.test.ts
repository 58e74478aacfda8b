import { moduleReplaces, siblingReplaces } from './goBuild';

describe('the wrapper module of a component whose go.mod replaces its siblings', () => {
  const goMod = `module go.etcd.io/etcd/server/v3

go 1.24

require (
\tgo.etcd.io/etcd/api/v3 v3.6.8
\tgo.etcd.io/etcd/client/pkg/v3 v3.6.8 // indirect
\tgithub.com/other/mod v1.2.3
)

require k8s.io/api v0.0.0

replace (
\tgo.etcd.io/etcd/api/v3 => ../api
\tgo.etcd.io/etcd/client/pkg/v3 => ../client/pkg
)

replace k8s.io/api => ./staging/src/k8s.io/api

// Bad imports are sometimes causing attempts to pull that code.
replace go.etcd.io/etcd => ./FORBIDDEN_DEPENDENCY

replace github.com/other/mod => github.com/fork/mod v1.2.4
`;

  it('points each relative replace of a required module at its published version', () => {
    expect(
      siblingReplaces(goMod, m => (m.startsWith('k8s') ? 'v0.37.2' : 'v3.6.8')),
    ).toEqual([
      'replace go.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 v3.6.8',
      'replace go.etcd.io/etcd/client/pkg/v3 => go.etcd.io/etcd/client/pkg/v3 v3.6.8',
      'replace k8s.io/api => k8s.io/api v0.37.2',
    ]);
  });
});

describe('the wrapper module of a component whose go.mod replaces modules by other modules', () => {
  it('repeats those replaces as they are, and no relative one', () => {
    const goMod = `module code.gitea.io/gitea

replace github.com/nektos/act => gitea.com/gitea/act v0.261.10 // gitea maintains its own package

replace (
\tgithub.com/urfave/cli/v3 => github.com/urfave/cli/v3 v3.4.1
\tgo.etcd.io/etcd/api/v3 => ../api
)
`;
    expect(moduleReplaces(goMod)).toEqual([
      'replace github.com/nektos/act => gitea.com/gitea/act v0.261.10',
      'replace github.com/urfave/cli/v3 => github.com/urfave/cli/v3 v3.4.1',
    ]);
  });
});

describe("Gitea v1.26.0's replace lines", () => {
  // As its go.mod has them (comments and all), a versioned left side, and relative ones beside.
  const goMod = `module code.gitea.io/gitea

go 1.26.2

require github.com/urfave/cli/v3 v3.6.2

replace github.com/jaytaylor/html2text => github.com/Necoro/html2text v0.0.0-20250804200300-7bf1ce1c7347 // jaytaylor/html2text is unmaintained

replace github.com/urfave/cli/v3 => github.com/urfave/cli/v3 v3.4.1 // v3.6.2 breaks -c flag parsing in help commands

replace (
\tgo.yaml.in/yaml/v4 v4.0.0-rc.4 => go.yaml.in/yaml/v4 v4.0.0-rc.3
\tgithub.com/local/mod => ../mod
)

replace example.com/forbidden => ./FORBIDDEN_DEPENDENCY
`;

  it('are repeated with their versions, the relative ones left out', () => {
    expect(moduleReplaces(goMod)).toEqual([
      'replace github.com/jaytaylor/html2text => github.com/Necoro/html2text v0.0.0-20250804200300-7bf1ce1c7347',
      'replace github.com/urfave/cli/v3 => github.com/urfave/cli/v3 v3.4.1',
      'replace go.yaml.in/yaml/v4 v4.0.0-rc.4 => go.yaml.in/yaml/v4 v4.0.0-rc.3',
    ]);
  });
});
