/** The registry's pages by route section: models, models/<id>, model-versions/<id>, handoffs, handoffs/<id>. */
// Timelines and comment threads look as they do on incidents.
import '../views/incidents.css';
import type { WorkspaceSession } from '../session/workspace-session';
import { HandoffPage } from './handoff-page';
import { HandoffsPage } from './handoffs-page';
import { ModelPage } from './model-page';
import { ModelVersionPage } from './model-version-page';
import { ModelsPage } from './models-page';

export function RegistryRoute({ session, section, itemId }: { session: WorkspaceSession; section: string; itemId: string | undefined }) {
  if (section === 'handoffs') return itemId ? <HandoffPage key={itemId} session={session} handoffId={itemId} /> : <HandoffsPage session={session} />;
  if (section === 'model-versions' && itemId) return <ModelVersionPage key={itemId} session={session} versionId={itemId} />;
  return itemId && section === 'models' ? <ModelPage key={itemId} session={session} modelId={itemId} /> : <ModelsPage session={session} />;
}
