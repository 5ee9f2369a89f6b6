/**
 * The window/tab title: the page, what it shows (an incident's title, a note's…), the workspace,
 * and how many inbox items are unread — "(3) PSI on age · Incidents · Churn — Driftdesk" — so a
 * person with several tabs or windows knows which is which and where something waits.
 */
import type * as Y from 'yjs';
import { getMonitor } from '../../../core/monitor';
import { getDatasetVersion, getHandoffState, getIncident, getModel, getModelVersion, getNote, getNotebook, getRunSummary } from '../../../core/workspace';

const SECTIONS: Record<string, string> = {
  inbox: 'Inbox', incidents: 'Incidents', monitors: 'Monitors', runs: 'Runs', compare: 'Compare runs', models: 'Models',
  'model-versions': 'Models', handoffs: 'Handoffs', datasets: 'Datasets', comparisons: 'Dataset comparison', notes: 'Notes', notebooks: 'Notebooks',
  members: 'Members', history: 'History', webhooks: 'Webhooks',
};

/** What the item a page shows is called, if the doc has it. */
export function itemName(doc: Y.Doc, section: string, itemId: string): string | undefined {
  switch (section) {
    case 'incidents': return getIncident(doc, itemId)?.title;
    case 'monitors': return getMonitor(doc, itemId)?.name;
    case 'runs': return getRunSummary(doc, itemId)?.name;
    case 'notes': return getNote(doc, itemId)?.title;
    case 'notebooks': return getNotebook(doc, itemId)?.title;
    case 'models': return getModel(doc, itemId)?.name;
    case 'model-versions': {
      const version = getModelVersion(doc, itemId);
      return version ? `${getModel(doc, version.modelId)?.name ?? 'model'} v${version.version}` : undefined;
    }
    case 'handoffs': {
      const state = getHandoffState(doc, itemId);
      return state ? `Handoff of ${getModel(doc, state.handoff.modelId)?.name ?? 'a model'}` : undefined;
    }
    case 'datasets': {
      const version = getDatasetVersion(doc, itemId);
      return version ? `${version.dataset} · ${version.fileName}` : undefined;
    }
    default: return undefined;
  }
}

export function pageTitle(input: { section: string; item?: string; workspace: string; unread: number }): string {
  const page = [input.item, SECTIONS[input.section] ?? 'Incidents'].filter(Boolean).join(' · ');
  return `${input.unread > 0 ? `(${input.unread}) ` : ''}${page} · ${input.workspace} — Driftdesk`;
}
