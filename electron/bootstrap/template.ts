/** The app's bootstrap template: the planner's, at this build's template version. */
import { BOOTSTRAP_TEMPLATE_VERSION, buildBootstrapTemplate } from '../plan/bootstrap';
import type { BootstrapTemplateSource } from './ensure';

/** The bootstrap template source the app and the CLI use. */
export const plannedBootstrap: BootstrapTemplateSource = {
  version: BOOTSTRAP_TEMPLATE_VERSION,
  template: (legacy, dockerHub) => buildBootstrapTemplate({ ...(legacy ? { legacyProjectNetwork: legacy } : {}), ...(dockerHub ? { dockerHubCredentialArn: dockerHub.credentialArn } : {}) }),
};
