export {
  StackHealth,
  StackHealthTab,
  SpokeSummary,
  HubComponentsTable,
  VerdictStatus,
  ResourcesSection,
} from './StackHealth';
