import { ProxiedSignInPage, SignInPage } from '@backstage/core-components';
import {
  configApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';

/**
 * Guest sign-in locally; in production (`auth.environment: production`, app-config.production.yaml)
 * the identity-aware proxy in front of Backstage has signed the user in, and the backend's
 * oauth2Proxy provider turns its headers into a Backstage identity.
 */
export function AppSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  if (config.getOptionalString('auth.environment') === 'production')
    return <ProxiedSignInPage {...props} provider="oauth2Proxy" />;
  return <SignInPage {...props} auto providers={['guest']} />;
}
