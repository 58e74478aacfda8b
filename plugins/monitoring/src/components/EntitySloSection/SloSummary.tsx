import { EmptyState } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_LATENCY,
  ANNOTATION_SLO_LATENCY_THRESHOLD,
  ANNOTATION_SLO_PERIOD,
  EntitySloResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { SloObjectiveView } from './SloObjectiveView';

const NO_SLOS = 'No service level objectives';

function Hint() {
  return (
    <>
      Run the <em>Monitor a service</em> template to set them, or annotate the
      entity with <code>{ANNOTATION_SLO_AVAILABILITY}</code>,{' '}
      <code>{ANNOTATION_SLO_LATENCY}</code> and{' '}
      <code>{ANNOTATION_SLO_LATENCY_THRESHOLD}</code> (and optionally{' '}
      <code>{ANNOTATION_SLO_PERIOD}</code>).
    </>
  );
}

/** The entity declares no objective: how to set some. */
export function SloEmptyState(props: { compact?: boolean }) {
  if (props.compact) {
    return (
      <Box>
        <Typography variant="subtitle1">{NO_SLOS}</Typography>
        <Typography variant="body2" color="textSecondary">
          <Hint />
        </Typography>
      </Box>
    );
  }
  return <EmptyState missing="field" title={NO_SLOS} description={<Hint />} />;
}

/** Every objective of the entity with its status per environment, or how to declare some. */
export function SloSummary(props: {
  /** The entity's name, to label what is shown. */
  name: string;
  response: EntitySloResponse;
  /** The card: budgets, SLIs and alerts only; no burn-rate tables or charts. */
  compact?: boolean;
}) {
  const { name, response, compact } = props;
  if (response.objectives.length === 0) {
    return <SloEmptyState compact={compact} />;
  }
  return (
    <Box display="flex" flexDirection="column" gridGap={24}>
      {response.objectives.map(objective => (
        <SloObjectiveView
          key={objective.slo}
          name={name}
          objective={objective}
          response={response}
          compact={compact}
        />
      ))}
    </Box>
  );
}
