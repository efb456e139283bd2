// One task's history, oldest first, from the audit log (GET /tasks/{id}/events); new events append while it is open.
import * as api from '../api.js';
import { $, h, replaceChildren } from '../dom.js';
import { friendly, full } from '../time.js';
import * as dialogs from './dialogs.js';

const WHAT = {
  'taskflow.task.created': 'Created',
  'taskflow.task.updated': 'Changed',
  'taskflow.task.completed': 'Completed',
  'taskflow.task.reopened': 'Reopened',
  'taskflow.task.deleted': 'Deleted',
  'taskflow.recurrence.spawned': 'Created as the next occurrence',
  'taskflow.reminder.triggered': 'Reminder fired',
};

const FIELDS = {
  title: 'Title', description: 'Notes', priority: 'Priority', tags: 'Tags', dueAt: 'Due', timezone: 'Time zone',
};

export class History {
  constructor() {
    this.dialog = $('#history');
    this.list = $('#history-list');
    this.taskId = null;
    this.seen = new Set();
    dialogs.wire(this.dialog);
    this.dialog.addEventListener('close', () => {
      this.taskId = null;
    });
  }

  async open(task) {
    this.taskId = task.id;
    this.seen = new Set();
    $('#history-title').textContent = `History of “${task.title}”`;
    replaceChildren(this.list);
    const status = $('#history-status');
    status.textContent = 'Loading…';
    dialogs.open(this.dialog, this.dialog.querySelector('[data-close]'));
    try {
      let after = 0;
      for (;;) {
        const page = await api.get(`/tasks/${task.id}/events${api.query({ afterSequence: after, limit: 200 })}`);
        if (this.taskId !== task.id) {
          return;
        }
        page.items.forEach(event => this.add(event));
        if (!page.nextCursor || page.items.length === 0) {
          break;
        }
        after = page.items[page.items.length - 1].sequence;
      }
      status.textContent = this.seen.size === 1 ? '1 event' : `${this.seen.size} events`;
    } catch (e) {
      status.textContent = e.status === 404
        ? 'No history yet: it is written a moment after each change. Try again in a second.' : e.message;
    }
  }

  /** An event of the open task, from the list or live. */
  add(event) {
    if (event.subject !== this.taskId || this.seen.has(event.id)) {
      return;
    }
    this.seen.add(event.id);
    const data = event.data || {};
    const item = h('li', { dataset: { type: event.type, sequence: event.sequence } },
      h('span', { class: 'what' }, WHAT[event.type] || event.type),
      h('time', { datetime: event.time, title: full(event.time) }, friendly(event.time)));
    if (data.changes) {
      item.append(h('ul', { class: 'changes' }, Object.entries(data.changes).map(([field, change]) =>
        h('li', {}, `${FIELDS[field] || field}: `, h('del', {}, show(field, change.old)), ' → ',
          h('ins', {}, show(field, change.new))))));
    }
    if (event.type === 'taskflow.reminder.triggered' && data.fireAt) {
      item.append(h('ul', { class: 'changes' }, h('li', {}, `Set for ${friendly(data.fireAt)}`)));
    }
    // in sequence order, also when a live event overtakes the page being read
    const later = Array.from(this.list.children).find(li => Number(li.dataset.sequence) > Number(event.sequence));
    this.list.insertBefore(item, later || null);
  }

  /** A live event: appended when it is the open task's. */
  onEvent(event) {
    if (this.taskId && this.dialog.open) {
      this.add(event);
      $('#history-status').textContent = `${this.seen.size} events`;
    }
  }
}

function show(field, value) {
  if (value == null || value === '' || (Array.isArray(value) && value.length === 0)) {
    return 'none';
  }
  if (field === 'dueAt') {
    return friendly(value);
  }
  if (Array.isArray(value)) {
    return value.join(', ');
  }
  const text = String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
