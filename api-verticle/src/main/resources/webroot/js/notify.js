// Reminders outside the page: the Notification API while a tab is open, and Web Push for this device (the service
// worker /sw.js shows those when no tab is open). One notification per reminder: the tag is the reminder's id, so a
// push and an open tab (or two tabs) showing the same reminder replace each other rather than stack.
import * as api from './api.js';

const SW = '/sw.js';

export const supported = {
  notifications: 'Notification' in window,
  push: 'serviceWorker' in navigator && 'PushManager' in window,
};

/** The service worker's registration (registered on first use; it also gives notifications their buttons). */
async function registration() {
  if (!('serviceWorker' in navigator)) {
    return null;
  }
  await navigator.serviceWorker.register(SW);
  return navigator.serviceWorker.ready;
}

/** Registers the service worker early, so in-tab notifications have Snooze and Complete; failures are harmless. */
export function start() {
  if ('serviceWorker' in navigator && window.isSecureContext) {
    registration().catch(() => { });
  }
}

/** Shows a fired reminder (a live event) as a system notification, when the user allowed them. */
export async function showReminder(event) {
  if (!supported.notifications || Notification.permission !== 'granted') {
    return;
  }
  const data = event.data || {};
  const task = data.task || {};
  const reminder = data.reminder || {};
  const title = `Reminder: ${task.title || 'a task'}`;
  const options = {
    body: task.dueAt ? `Due ${new Date(task.dueAt).toLocaleString()}` : 'A reminder fired',
    tag: reminder.id ? `reminder-${reminder.id}` : undefined,
    icon: '/favicon.svg',
    data: { reminderId: reminder.id, taskId: task.id },
  };
  try {
    const worker = await registration();
    if (worker) {
      await worker.showNotification(title, {
        ...options, actions: [{ action: 'snooze', title: 'Snooze 10 min' }, { action: 'complete', title: 'Complete' }],
      });
      return;
    }
  } catch (e) {
    // no service worker here: a plain notification, without buttons
  }
  new Notification(title, options);
}

/** Whether this device has a push subscription stored on the server (null: push is not available here). */
export async function pushState() {
  if (!supported.push || !window.isSecureContext) {
    return null;
  }
  const worker = await registration();
  const subscription = await worker.pushManager.getSubscription();
  if (!subscription) {
    return false;
  }
  const { items } = await api.get('/push/subscriptions');
  return items.some(item => item.endpoint === subscription.endpoint);
}

/** Asks for permission, subscribes this device with the server's VAPID key, and stores the subscription. */
export async function enablePush() {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new Error('Notifications are blocked for this site; allow them in the browser\'s site settings.');
  }
  const worker = await registration();
  const { publicKey } = await api.get('/push/vapid-public-key');
  const subscription = await worker.pushManager.subscribe({
    userVisibleOnly: true, applicationServerKey: base64UrlToBytes(publicKey),
  });
  await api.post('/push/subscriptions', subscription.toJSON());
}

/** Forgets this device on the server and unsubscribes it from its push service. */
export async function disablePush() {
  const worker = await registration();
  const subscription = await worker.pushManager.getSubscription();
  if (!subscription) {
    return;
  }
  const { items } = await api.get('/push/subscriptions');
  for (const item of items.filter(i => i.endpoint === subscription.endpoint)) {
    await api.del(`/push/subscriptions/${item.id}`);
  }
  await subscription.unsubscribe();
}

/** On "Log out": push off for this device, if it was on; never fails (the logout goes on regardless). */
export async function forgetDevice() {
  if (!supported.push || !window.isSecureContext) {
    return;
  }
  try {
    const worker = await navigator.serviceWorker.getRegistration();
    if (worker && await worker.pushManager.getSubscription()) {
      await disablePush();
    }
  } catch (e) {
    // the server will drop the subscription when its push service answers 404/410, or the next user takes it over
  }
}

/** Asks for permission for in-tab notifications only (no push). */
export async function enableNotifications() {
  return Notification.requestPermission();
}

function base64UrlToBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - text.length % 4) % 4);
  return Uint8Array.from(atob(base64), c => c.charCodeAt(0));
}
