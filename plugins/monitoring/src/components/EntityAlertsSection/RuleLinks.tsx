import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { AlertRuleStatus } from '@hubspoke/backstage-plugin-monitoring-common';

/** The rule's runbook and the source of its first instance, each when known, in a new tab. */
export function RuleLinks(props: { rule: AlertRuleStatus }) {
  const { rule } = props;
  return (
    <Box display="flex" gridGap={8}>
      {rule.runbookUrl && (
        <Link to={rule.runbookUrl} target="_blank" rel="noopener noreferrer">
          Runbook
        </Link>
      )}
      {rule.instances[0]?.sourceUrl && (
        <Link
          to={rule.instances[0].sourceUrl}
          target="_blank"
          rel="noopener noreferrer"
        >
          Source
        </Link>
      )}
    </Box>
  );
}
