export {
  StackHealth,
  StackHealthTab,
  SpokeSummary,
  HubComponentsTable,
  useStackHealth,
  VerdictStatus,
} from './StackHealth';
