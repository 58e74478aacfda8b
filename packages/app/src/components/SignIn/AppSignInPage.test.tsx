import { configApiRef, discoveryApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import { AppSignInPage } from './AppSignInPage';

describe('AppSignInPage', () => {
  const requests: string[] = [];
  const fetchMock = jest.fn(async (url: string) => {
    requests.push(url);
    return new Response(JSON.stringify({ error: { message: 'no proxy' } }), {
      status: 401,
      headers: { 'content-type': 'application/json' },
    });
  });
  beforeEach(() => {
    requests.length = 0;
    global.fetch = fetchMock as any;
  });

  const render = (environment: string) =>
    renderInTestApp(
      <TestApiProvider
        apis={[
          [
            configApiRef,
            mockApis.config({
              data: { app: { title: 'Test' }, auth: { environment } },
            }),
          ],
          [discoveryApiRef, mockApis.discovery()],
        ]}
      >
        <AppSignInPage onSignInSuccess={() => {}} />
      </TestApiProvider>,
    );

  it('offers guest sign-in locally', async () => {
    await render('development');
    expect(await screen.findAllByText(/guest/i)).not.toHaveLength(0);
    expect(requests.filter(u => u.includes('oauth2Proxy'))).toEqual([]);
  });

  it("asks the proxy's provider in production, and offers no guest", async () => {
    await render('production');
    await waitFor(() =>
      expect(requests.some(u => u.includes('/auth/oauth2Proxy/refresh'))).toBe(
        true,
      ),
    );
    expect(screen.queryAllByText(/guest/i)).toHaveLength(0);
  });
});
