import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  budgetColor,
  budgetHealth,
  formatBudgetPercent,
} from '../../utils/sloFormat';

/**
 * An error budget left, in percent, coloured by its health (`–` without objectives):
 * `prefix` goes before it, e.g. "budget".
 */
export function BudgetIndicator(props: {
  remaining: number | null | undefined;
  prefix?: string;
  variant?: 'caption' | 'body2';
}) {
  const { remaining, prefix, variant = 'caption' } = props;
  const theme = useTheme();
  const health = budgetHealth(remaining);
  return (
    <Typography
      variant={variant}
      component="span"
      data-budget-health={health}
      style={{
        color: budgetColor(theme, health),
        fontWeight: health === 'unknown' ? undefined : 600,
        whiteSpace: 'nowrap',
      }}
    >
      {prefix ? `${prefix} ` : ''}
      {formatBudgetPercent(remaining)}
    </Typography>
  );
}
