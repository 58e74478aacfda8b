import { Grid } from '@material-ui/core';
import {
  EntityAboutCard,
  EntityHasSubcomponentsCard,
  EntityLayout,
  EntityLinksCard,
  EntityOrphanWarning,
  EntitySwitch,
  isKind,
  isOrphan,
} from '@backstage/plugin-catalog';
import {
  EntityKubernetesContent,
  isKubernetesAvailable,
} from '@backstage/plugin-kubernetes';
import {
  EntityMembersListCard,
  EntityOwnershipCard,
  EntityGroupProfileCard,
} from '@backstage/plugin-org';
import {
  EntityMonitoringAlertsCard,
  EntityMonitoringClusterCard,
  EntityMonitoringContent,
  EntityMonitoringMetricsCard,
  EntityMonitoringSloCard,
  isMonitoringAlertsAvailable,
  isMonitoringAvailable,
  isMonitoringClusterAvailable,
} from '@hubspoke/backstage-plugin-monitoring';

const overviewContent = (
  <Grid container spacing={3} alignItems="stretch">
    <EntitySwitch>
      <EntitySwitch.Case if={isOrphan}>
        <Grid item xs={12}>
          <EntityOrphanWarning />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
    <Grid item md={6} xs={12}>
      <EntityAboutCard />
    </Grid>
    <EntitySwitch>
      <EntitySwitch.Case if={isMonitoringAvailable}>
        <Grid item md={6} xs={12}>
          <EntityMonitoringMetricsCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
    <EntitySwitch>
      <EntitySwitch.Case if={isMonitoringAlertsAvailable}>
        <Grid item md={6} xs={12}>
          <EntityMonitoringAlertsCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
    {/* Error budgets per objective and environment; says how to declare objectives if none. */}
    <EntitySwitch>
      <EntitySwitch.Case if={isMonitoringAvailable}>
        <Grid item md={6} xs={12}>
          <EntityMonitoringSloCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
    <Grid item md={6} xs={12}>
      <EntityLinksCard />
    </Grid>
    <Grid item md={6} xs={12}>
      <EntityHasSubcomponentsCard />
    </Grid>
  </Grid>
);

const componentPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    <EntityLayout.Route path="/monitoring" title="Monitoring">
      <EntityMonitoringContent />
    </EntityLayout.Route>
    {/* The same pods from the Kubernetes API (backstage.io/kubernetes-id), beside their metrics. */}
    <EntityLayout.Route
      path="/kubernetes"
      title="Kubernetes"
      if={isKubernetesAvailable}
    >
      <EntityKubernetesContent />
    </EntityLayout.Route>
  </EntityLayout>
);

const groupPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <EntityGroupProfileCard />
        </Grid>
        <Grid item xs={12} md={6}>
          <EntityOwnershipCard />
        </Grid>
        <Grid item xs={12}>
          <EntityMembersListCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const defaultPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        <Grid item md={6} xs={12}>
          <EntityAboutCard />
        </Grid>
        <EntitySwitch>
          <EntitySwitch.Case if={isMonitoringClusterAvailable}>
            <Grid item md={6} xs={12}>
              <EntityMonitoringClusterCard />
            </Grid>
          </EntitySwitch.Case>
        </EntitySwitch>
        <Grid item md={6} xs={12}>
          <EntityLinksCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

export const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isKind('component')} children={componentPage} />
    <EntitySwitch.Case if={isKind('group')} children={groupPage} />
    <EntitySwitch.Case>{defaultPage}</EntitySwitch.Case>
  </EntitySwitch>
);
