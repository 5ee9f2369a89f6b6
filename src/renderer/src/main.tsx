/**
 * The page's entry, small on purpose. boot.ts may be drawing the last screen of the
 * workspace being opened (splash.ts): the app's scripts, which keep the page busy for a few
 * hundred milliseconds while they load, start after that paint — or at once when there is
 * nothing to draw, and never more than a moment later (boot.ts gives up waiting).
 *
 * The first screen's styles are imported here so they are in the page's <head> for the splash.
 */
import './styles.css';
import './views/incidents.css';
import './components/command-palette.css';

const splashSettled: Promise<unknown> = window.__driftdeskBoot?.splashSettled ?? Promise.resolve();
// In two tasks: the workspace core first (Yjs, and the record schemas zod builds as its modules
// run: about half of the scripts' evaluation), then the app. Evaluated in one go they were the
// one main-thread task over 100 ms left in an open of bench:open's three-year workspace.
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
void splashSettled
  .then(() => import('../../core/workspace'))
  .then(nextTask)
  .then(() => import('./start-app'));
