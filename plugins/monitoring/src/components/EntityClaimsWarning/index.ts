export { EntityClaimsWarning, claimWarning } from './EntityClaimsWarning';
export type { ClaimWarning } from './EntityClaimsWarning';
