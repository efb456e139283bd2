// Toasts: reminders that fire (until dismissed) and errors (a while). The containers are live regions.
import { $, h, icon } from '../dom.js';
import { friendly, relative } from '../time.js';

const shown = new Set();
const RECENT_MS = 15 * 60_000;

/**
 * A fired reminder. Live ones always show (once per event, however often it arrives); ones found in the history after
 * a reconnect only when they fired in the last quarter of an hour. `onSnooze(reminderId, duration)` (a promise) puts
 * Snooze buttons on it; the toast goes once the snooze is saved.
 */
export function reminder(event, origin, onOpen, onSnooze = null) {
  if (shown.has(event.id)) {
    return;
  }
  const data = event.data || {};
  const firedAt = data.firedAt || event.time;
  if (origin !== 'live' && Date.now() - Date.parse(firedAt) > RECENT_MS) {
    return;
  }
  shown.add(event.id);
  const task = data.task || {};
  const title = task.title || 'A task';
  const when = task.dueAt ? `Due ${friendly(task.dueAt)}` : `Fired ${relative(firedAt)}`;
  const notes = [when];
  if (origin !== 'live') {
    notes.push('while you were away');
  } else if (data.late) {
    notes.push('late');
  }
  const toast = h('div', { class: 'toast reminder', dataset: { reminder: (data.reminder || {}).id || '', task: task.id || '' } },
    icon('bell'),
    h('div', {},
      h('p', { class: 'toast-title' }, 'Reminder: ', title),
      h('p', { class: 'toast-text' }, notes.join(' · ')),
      h('div', { class: 'toast-actions' },
        task.id && onOpen ? h('button', { type: 'button', class: 'link', onclick: () => { dismiss(toast); onOpen(task.id); } }, 'Open task') : null,
        ...snoozeButtons(() => toast, (data.reminder || {}).id, onSnooze, title))),
    closeButton(() => dismiss(toast), `Dismiss the reminder for ${title}`));
  $('#toasts-polite').append(toast);
}

/** Snooze 10 min / 1 h on a reminder toast: disabled while the snooze is saved, the toast gone once it is. */
function snoozeButtons(toastOf, reminderId, onSnooze, title) {
  if (!reminderId || !onSnooze) {
    return [];
  }
  const buttons = SNOOZES.map(([duration, label]) => h('button', {
    type: 'button', class: 'link snooze', dataset: { duration }, 'aria-label': `${label} the reminder for ${title}`,
    onclick: async () => {
      buttons.forEach(b => { b.disabled = true; });
      try {
        await onSnooze(reminderId, duration);
        dismiss(toastOf());
      } catch (e) {
        buttons.forEach(b => { b.disabled = false; });
      }
    },
  }, label));
  return buttons;
}

const SNOOZES = [['PT10M', 'Snooze 10 min'], ['PT1H', 'Snooze 1 h']];

/** An error the user should see; goes away by itself after a while. */
export function error(message) {
  const toast = h('div', { class: 'toast error' },
    icon('alert'),
    h('div', {}, h('p', { class: 'toast-title' }, 'Something went wrong'), h('p', { class: 'toast-text' }, message)),
    closeButton(() => dismiss(toast), 'Dismiss'));
  $('#toasts-alert').append(toast);
  setTimeout(() => dismiss(toast), 8000);
}

/** A short confirmation, with an action (such as Undo) when given. */
export function info(message, action = null) {
  const toast = h('div', { class: 'toast' }, icon('check'),
    h('div', {}, h('p', { class: 'toast-title' }, message),
      action ? h('div', { class: 'toast-actions' }, h('button', {
        type: 'button', class: 'link', onclick: () => {
          dismiss(toast);
          action.run();
        },
      }, action.label)) : null),
    closeButton(() => dismiss(toast), 'Dismiss'));
  // one confirmation at a time: the newest replaces the one before
  document.querySelectorAll('#toasts-polite .toast.info').forEach(dismiss);
  toast.classList.add('info');
  $('#toasts-polite').append(toast);
  setTimeout(() => dismiss(toast), action ? 6000 : 4000);
}

/** Something to know that stays until dismissed. */
export function notice(title, message) {
  const toast = h('div', { class: 'toast notice' }, icon('clock'),
    h('div', {}, h('p', { class: 'toast-title' }, title), h('p', { class: 'toast-text' }, message)),
    closeButton(() => dismiss(toast), 'Dismiss'));
  $('#toasts-polite').append(toast);
}

function closeButton(onClick, label) {
  return h('button', { type: 'button', class: 'icon-button', 'aria-label': label, onclick: onClick }, '×');
}

function dismiss(toast) {
  if (toast.contains(document.activeElement)) {
    $('#main').focus();
  }
  toast.remove();
}

export function clearAll() {
  $('#toasts-polite').replaceChildren();
  $('#toasts-alert').replaceChildren();
}

// ---- room for toasts (issue 14): their height, as --toast-room, is space below the list to scroll the last rows
// out from under them ----
function watchToastRoom() {
  const box = $('#toasts');
  const update = () => {
    const height = box.querySelector('.toast') ? Math.ceil(box.getBoundingClientRect().height) + 20 : 0;
    document.documentElement.style.setProperty('--toast-room', `${height}px`);
  };
  new ResizeObserver(update).observe(box);
  new MutationObserver(update).observe(box, { childList: true, subtree: true });
}

watchToastRoom();
