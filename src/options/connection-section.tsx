import { ConnectForm } from '../ui/connect-form';
import { t } from '../ui/i18n';
import { SectionCard } from '../ui/section-card';
import { AdminRows } from './admin-rows';
import type { OptionsApi } from './options-api';
import type { SettingsAnswer } from './use-settings';

/** The CRM connection (the same form as the welcome page), with the admin's CRM hosts in place. */
export function ConnectionSection({ api, answer }: { api: OptionsApi; answer: SettingsAnswer }) {
  return (
    <SectionCard id="crm-card" title={t('setCrmCardTitle')} description={t('setConnectionIntro')}>
      <ConnectForm api={api} settings={answer} labelledBy="crm-card-title" />
      <AdminRows
        answer={answer}
        keys={
          answer.settings.crmKind === 'local'
            ? [['extraAllowedCrmHosts', 'setExtraAllowedCrmHosts']]
            : [
                ['crmBaseUrl', 'setCrmBaseUrl'],
                ['extraAllowedCrmHosts', 'setExtraAllowedCrmHosts'],
              ]
        }
      />
    </SectionCard>
  );
}
