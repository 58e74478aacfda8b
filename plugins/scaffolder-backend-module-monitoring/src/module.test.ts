import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import scaffolderModuleMonitoring from './index';

describe('scaffolderModuleMonitoring', () => {
  it('adds the render, apply and Gitea pull request actions to the scaffolder', async () => {
    const addActions = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleMonitoring],
    });
    const ids = addActions.mock.calls.flat().map((a: { id: string }) => a.id);
    expect(ids).toEqual([
      'monitoring:hub:render',
      'monitoring:spoke:render',
      'monitoring:service:render',
      'monitoring:apply',
      'monitoring:gitea:pull-request',
    ]);
    await backend.stop();
  });
});
