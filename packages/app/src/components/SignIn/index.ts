export { AppSignInPage } from './AppSignInPage';
