export {
  StackHealth,
  StackHealthTab,
  SpokeSummary,
  HubComponentsTable,
  VerdictStatus,
} from './StackHealth';
