import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { oneStepExample } from './exampleStep';

export const examples: TemplateExample[] = [
  oneStepExample(
    "Open a pull request on a Gitea repository with the workspace folder pull-request/ laid out as the repository (what monitor-a-service does for a component registered from Gitea), into the repository's default branch",
    {
      id: 'pull-request',
      name: 'Open a pull request on the Gitea repository',
      action: 'monitoring:gitea:pull-request',
      input: {
        repoUrl: 'gitea.example.com?owner=team-shop&repo=payments',
        branchName: 'monitoring/payments-alerts',
        title: 'Monitoring for payments: annotations and alerts',
        description:
          'Adds the monitoring annotations and the VMRule payments-alerts.',
        sourcePath: 'pull-request',
      },
    },
  ),
  oneStepExample(
    'Add the rendered rules under monitoring/ of a branch other than the default, updating the branch and its open pull request when the template runs again',
    {
      id: 'pull-request',
      name: 'Propose the rules',
      action: 'monitoring:gitea:pull-request',
      input: {
        repoUrl: 'gitea.example.com?owner=team-platform&repo=hub-manifests',
        branchName: 'rules/checkout',
        targetBranchName: 'release',
        title: 'Alert rules for checkout',
        sourcePath: 'monitoring',
        targetPath: 'monitoring',
        commitMessage: 'Render the checkout alert rules',
        update: true,
      },
    },
  ),
];
