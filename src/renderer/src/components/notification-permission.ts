/**
 * Whether this page may show desktop notifications, without asking the browser each time.
 * `Notification.permission` is a synchronous call into the browser process: while a large
 * workspace loads, one read in a notifier's effect blocked the page for 0.4–0.5 s (bench:open,
 * three-year workspace). It is read once here, then kept current from the Permissions API's
 * change events (and by `noteNotificationPermission` after the app asks).
 */
let state: NotificationPermission | 'unsupported' = typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

void globalThis.navigator?.permissions
  ?.query({ name: 'notifications' })
  .then((status) => {
    const follow = () => {
      // The Permissions API says 'prompt' where Notification says 'default'.
      state = status.state === 'prompt' ? 'default' : status.state;
    };
    status.addEventListener('change', follow);
  })
  .catch(() => {});

export function notificationPermission(): NotificationPermission | 'unsupported' {
  return state;
}

export function notificationsGranted(): boolean {
  return state === 'granted';
}

/** After `Notification.requestPermission()` answered. */
export function noteNotificationPermission(permission: NotificationPermission): void {
  state = permission;
}
