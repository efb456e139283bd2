// Taskflow's service worker: shows a fired reminder pushed to this device (Web Push) when no tab needs to be open,
// and acts on its Snooze and Complete buttons. Served from / with Cache-Control: no-cache, so its scope is the app.
//
// Credentials: a service worker cannot read the page's access token, so an action renews one from the refresh cookie
// (HttpOnly, SameSite=Strict, path /api/v1/auth), exactly as a tab does on load. No other credential exists for it:
// the push payload carries no token (a push service and anyone who reads a notification's data learn nothing that acts
// on the account), and a device that was signed out (the cookie gone or revoked) just opens the app to sign in.
'use strict';

const SNOOZE = 'PT10M';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));

self.addEventListener('push', event => {
  let reminder = {};
  try {
    reminder = event.data ? event.data.json() : {};
  } catch (e) {
    reminder = {};
  }
  event.waitUntil(show(reminder));
});

/** One notification per reminder (its tag), with the task's title, Snooze and Complete. */
function show(reminder) {
  const title = reminder.title ? `Reminder: ${reminder.title}` : 'Taskflow reminder';
  const body = reminder.dueAt ? `Due ${new Date(reminder.dueAt).toLocaleString()}` : 'A reminder fired';
  return self.registration.showNotification(title, {
    body,
    tag: reminder.reminderId ? `reminder-${reminder.reminderId}` : undefined,
    renotify: true,
    requireInteraction: true,
    icon: '/favicon.svg',
    data: { reminderId: reminder.reminderId, taskId: reminder.taskId },
    actions: [{ action: 'snooze', title: 'Snooze 10 min' }, { action: 'complete', title: 'Complete' }],
  });
}

self.addEventListener('notificationclick', event => {
  const { reminderId, taskId } = event.notification.data || {};
  event.notification.close();
  if (event.action === 'snooze' && reminderId) {
    event.waitUntil(act(`/api/v1/reminders/${reminderId}/snooze`, { duration: SNOOZE }));
  } else if (event.action === 'complete' && taskId) {
    event.waitUntil(act(`/api/v1/tasks/${taskId}/complete`, null));
  } else {
    event.waitUntil(openApp());
  }
});

/** The action with a token renewed from the refresh cookie; signed out or refused: the app opens instead. */
async function act(path, body) {
  try {
    const renewed = await fetch('/api/v1/auth/refresh', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{}',
      credentials: 'same-origin',
    });
    if (!renewed.ok) {
      return openApp();
    }
    const { token } = await renewed.json();
    const response = await fetch(path, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok && response.status !== 409) {
      return openApp();
    }
  } catch (e) {
    return openApp();
  }
  return undefined;
}

async function openApp() {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.length) {
    return windows[0].focus();
  }
  return self.clients.openWindow('/');
}
