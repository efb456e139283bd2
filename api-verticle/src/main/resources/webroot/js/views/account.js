// The account view (from the name in the header): display name and e-mail, password, the signed-in sessions with
// "Log out everywhere", and deleting the account.
import * as api from '../api.js';
import { $, h, replaceChildren } from '../dom.js';
import * as session from '../session.js';
import * as dialogs from './dialogs.js';
import * as toasts from './toasts.js';
import * as notify from '../notify.js';

export class Account {
  /** @param signOut (reason) => void: this tab's session is over */
  constructor({ signOut }) {
    this.signOut = signOut;
    this.dialog = $('#account');
    dialogs.wire(this.dialog);
    $('#account-profile-form').addEventListener('submit', event => this.saveProfile(event));
    $('#account-password-form').addEventListener('submit', event => this.changePassword(event));
    $('#account-delete-form').addEventListener('submit', event => this.deleteAccount(event));
    $('#account-logout-all').addEventListener('click', () => this.logoutEverywhere());
    $('#account-notify').addEventListener('click', () => this.allowNotifications());
    $('#account-push').addEventListener('click', () => this.togglePush());
  }

  // ---- reminders on this device (notify.js) ----

  async showNotifyState() {
    const state = $('#account-notify-state');
    const notifyButton = $('#account-notify');
    const pushButton = $('#account-push');
    if (!notify.supported.notifications) {
      state.textContent = 'This browser cannot show notifications.';
      notifyButton.hidden = true;
      pushButton.hidden = true;
      return;
    }
    const permission = Notification.permission;
    notifyButton.hidden = permission === 'granted';
    let push = null;
    try {
      push = await notify.pushState();
    } catch (e) {
      push = null;
    }
    this.pushOn = push === true;
    pushButton.hidden = push === null;
    pushButton.textContent = this.pushOn ? 'Turn push off on this device' : 'Enable push on this device';
    state.textContent = permission === 'denied' ? 'Notifications are blocked for this site in the browser.'
      : (permission === 'granted' ? 'Notifications are on while Taskflow is open. ' : '')
        + (push === null ? 'Push is not available in this browser (or not over http).'
          : this.pushOn ? 'Push is on: reminders reach this browser when it is closed.' : 'Push is off.');
  }

  async allowNotifications() {
    $('#account-notify-msg').textContent = '';
    await notify.enableNotifications();
    this.showNotifyState();
  }

  async togglePush() {
    const message = $('#account-notify-msg');
    message.textContent = '';
    try {
      await (this.pushOn ? notify.disablePush() : notify.enablePush());
    } catch (e) {
      message.textContent = e.message || String(e);
    }
    this.showNotifyState();
  }

  open(user) {
    this.user = user;
    $('#a-name').value = user.displayName || '';
    $('#a-email').value = user.email;
    for (const id of ['#a-email-password', '#a-current', '#a-new', '#a-delete-password']) {
      $(id).value = '';
    }
    for (const id of ['#account-profile-msg', '#account-password-msg', '#account-sessions-msg', '#account-delete-msg']) {
      $(id).textContent = '';
    }
    dialogs.open(this.dialog, $('#a-name'));
    this.loadSessions();
    $('#account-notify-msg').textContent = '';
    this.showNotifyState();
  }

  async loadSessions() {
    const list = $('#account-sessions');
    try {
      const { items } = await api.get('/auth/sessions');
      replaceChildren(list, ...items.map(item => h('li', { class: 'session', dataset: { id: item.id } },
        h('span', { class: 'session-label', title: item.label }, item.label),
        h('span', { class: 'hint' }, ' · last used ' + new Date(item.lastUsedAt).toLocaleString()),
        item.current ? h('strong', { class: 'session-current' }, ' · this device')
          : h('button', { type: 'button', class: 'button ghost small', onclick: () => this.endSession(item) },
            'Log out'))));
    } catch (e) {
      $('#account-sessions-msg').textContent = e.message;
    }
  }

  async endSession(item) {
    try {
      await api.del(`/auth/sessions/${item.id}`);
      this.loadSessions();
    } catch (e) {
      $('#account-sessions-msg').textContent = e.message;
    }
  }

  async saveProfile(event) {
    event.preventDefault();
    const message = $('#account-profile-msg');
    const body = {};
    const name = $('#a-name').value.trim();
    const email = $('#a-email').value.trim();
    if (name && name !== this.user.displayName) {
      body.displayName = name;
    }
    if (email && email !== this.user.email) {
      body.email = email;
      body.currentPassword = $('#a-email-password').value;
      if (!body.currentPassword) {
        message.textContent = 'Enter your current password to change the e-mail.';
        return;
      }
    }
    if (!Object.keys(body).length) {
      message.textContent = 'Nothing to save.';
      return;
    }
    try {
      const user = await api.call('PATCH', '/me', { body }).then(r => r.body);
      this.user = user;
      const kept = session.current();
      if (kept) {
        session.save({ ...kept, user });
      }
      $('#who').textContent = user.displayName || user.email;
      $('#who').title = user.email;
      $('#a-email-password').value = '';
      message.textContent = 'Saved.';
    } catch (e) {
      message.textContent = e.message;
    }
  }

  async changePassword(event) {
    event.preventDefault();
    const message = $('#account-password-msg');
    const currentPassword = $('#a-current').value;
    const newPassword = $('#a-new').value;
    if (!currentPassword || newPassword.length < 8) {
      message.textContent = 'Enter your current password and a new one of at least 8 characters.';
      return;
    }
    try {
      await api.post('/me/password', { currentPassword, newPassword });
      $('#a-current').value = '';
      $('#a-new').value = '';
      message.textContent = 'Password changed. Every other device is signed out.';
      this.loadSessions();
    } catch (e) {
      message.textContent = e.message;
    }
  }

  async logoutEverywhere() {
    try {
      await api.post('/auth/logout-all');
    } catch (e) {
      $('#account-sessions-msg').textContent = e.message;
      return;
    }
    this.dialog.close();
    this.signOut('You logged out everywhere.');
  }

  async deleteAccount(event) {
    event.preventDefault();
    const message = $('#account-delete-msg');
    const password = $('#a-delete-password').value;
    if (!password) {
      message.textContent = 'Enter your current password to delete the account.';
      return;
    }
    const sure = await dialogs.confirm({
      title: 'Delete your account?',
      text: 'Every task, series, reminder, webhook and all history of this account are deleted for good.',
      ok: 'Delete account',
    });
    if (!sure) {
      return;
    }
    try {
      await api.call('DELETE', '/me', { body: { password } });
    } catch (e) {
      message.textContent = e.message;
      return;
    }
    this.dialog.close();
    toasts.clearAll();
    this.signOut('Your account was deleted.');
  }
}
