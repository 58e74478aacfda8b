export { EntitySloSection, SloBody, useSloOfEntity } from './EntitySloSection';
export { SloSummary } from './SloSummary';
