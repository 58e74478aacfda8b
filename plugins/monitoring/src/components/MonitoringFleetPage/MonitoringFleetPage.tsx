import {
  Content,
  ContentHeader,
  Header,
  Page,
  TabbedLayout,
} from '@backstage/core-components';
import { StackHealthTab } from '../StackHealth';
import { FleetServicesTab } from './FleetServicesTab';

/**
 * The catalog-wide monitoring page: every monitored service the signed-in user may read, in
 * every environment, worst health first (Services); the health of the stack itself (Stack).
 *
 * @public
 */
export function MonitoringFleetPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Monitoring"
        subtitle="Every monitored service, in every environment, and the stack itself"
      />
      <TabbedLayout>
        <TabbedLayout.Route path="/" title="Services">
          <Content>
            <FleetServicesTab />
          </Content>
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/stack" title="Stack">
          <Content>
            <ContentHeader title="Stack" />
            <StackHealthTab />
          </Content>
        </TabbedLayout.Route>
      </TabbedLayout>
    </Page>
  );
}
