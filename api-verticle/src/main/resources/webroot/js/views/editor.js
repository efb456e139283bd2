// Create and edit a task: fields, its project, due date in a chosen zone, recurrence with a live preview, and
// reminders. A task of a project the user may only view opens to be read: every field disabled, no Save.
import * as api from '../api.js';
import { $, $$, h, replaceChildren } from '../dom.js';
import { friendly, localZone, rfc3339, toWall, wallText, wallToInstant, zones } from '../time.js';
import { fromRule, toRule, unit, weekdayOf } from '../recurrence.js';
import * as dialogs from './dialogs.js';

const PRESETS = ['PT0S', '-PT30M', '-PT1H', '-P1D'];
let remindersProbe = null;

/** Whether this server has reminders (the notifier's endpoints); asked once. */
function remindersSupported() {
  if (!remindersProbe) {
    remindersProbe = api.get('/reminders/pending?limit=1').then(() => true, e => {
      if ([400, 404, 405, 501].includes(e.status)) {
        return false;
      }
      remindersProbe = null;
      return true;
    });
  }
  return remindersProbe;
}

export class Editor {
  /**
   * @param onSaved (task) => void: a snapshot the server answered with
   * @param projects () => the user's projects (GET /projects), Inbox first
   */
  constructor({ onSaved, projects = () => [] }) {
    this.onSaved = onSaved;
    this.projects = projects;
    this.dialog = $('#editor');
    this.form = $('#editor-form');
    this.task = null;
    this.previewTimer = null;
    this.previewCount = 0;
    dialogs.wire(this.dialog);
    const zoneSelect = $('#f-zone');
    for (const zone of zones()) {
      zoneSelect.append(h('option', { value: zone }, zone.replaceAll('_', ' ')));
    }
    this.form.addEventListener('submit', event => {
      event.preventDefault();
      this.save();
    });
    $$('input[name=repeat]').forEach(radio => radio.addEventListener('change', () => this.repeatChanged()));
    $$('input[name=anchor]').forEach(radio => radio.addEventListener('change', () => this.schedulePreview()));
    $('#f-interval').addEventListener('input', () => this.repeatChanged());
    $$('#f-weekdays input').forEach(box => box.addEventListener('change', () => this.repeatChanged()));
    $('#f-rrule').addEventListener('input', () => this.schedulePreview());
    for (const id of ['#f-due-date', '#f-due-time', '#f-zone']) {
      $(id).addEventListener('change', () => this.dueChanged());
    }
    $('#f-due-date').addEventListener('change', () => {
      if ($('#f-due-date').value && !$('#f-due-time').value) {
        $('#f-due-time').value = '09:00';
      }
    });
    $('#f-due-clear').addEventListener('click', () => {
      $('#f-due-date').value = '';
      $('#f-due-time').value = '';
      this.dueChanged();
      $('#f-due-date').focus();
    });
    $('#f-remind-add').addEventListener('click', () => this.addCustomReminder());
    $('#f-remind-at').addEventListener('keydown', event => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.addCustomReminder();
      }
    });
  }

  /** projectId: the project the list shows (null: the Inbox, as the API does without one). */
  openNew(title = '', tag = null, projectId = null) {
    this.opened = (this.opened || 0) + 1;
    this.task = null;
    this.setReadOnly(null);
    this.reset();
    this.fillProjects(null, projectId);
    $('#editor-title').textContent = 'New task';
    $('#f-save').textContent = 'Add task';
    $('#f-title').value = title;
    $('#f-tags').value = tag || '';
    this.series = null;
    this.seriesLoaded = true;
    this.setRepeatEditable(true, '');
    this.loadReminders(null);
    dialogs.open(this.dialog, $('#f-title'));
  }

  openEdit(task) {
    this.opened = (this.opened || 0) + 1;
    this.task = task;
    const project = this.projects().find(p => p.id === task.projectId) || null;
    this.setReadOnly(project && project.role === 'viewer' ? project : null);
    this.reset();
    this.fillProjects(task, task.projectId);
    $('#editor-title').textContent = this.readOnly ? 'Task (view only)' : 'Edit task';
    $('#f-save').textContent = 'Save';
    $('#f-title').value = task.title;
    $('#f-description').value = task.description || '';
    $('#f-priority').value = task.priority || 'normal';
    $('#f-tags').value = (task.tags || []).join(', ');
    const zone = task.timezone || localZone();
    this.setZone(zone);
    if (task.dueAt) {
      const wall = toWall(Date.parse(task.dueAt), zone);
      $('#f-due-date').value = wall.date;
      $('#f-due-time').value = wall.time;
    }
    this.loadSeries(task);
    this.loadReminders(task);
    this.dueChanged();
    dialogs.open(this.dialog, $('#f-title'));
  }

  reset() {
    this.form.reset();
    this.simpleRule = null;
    this.error('');
    this.setZone(localZone());
    $('#f-interval').value = 1;
    this.custom = [];
    this.removed = [];
    this.existing = [];
    this.renderCustom();
    replaceChildren($('#f-preview-list'));
    $('#f-preview-error').textContent = '';
    this.repeatChanged();
    this.dueChanged();
  }

  /**
   * The projects a task can be in: those the user may change; for an existing task only its own account's (the API
   * moves a task within one account), and a subtask stays with its parent.
   */
  fillProjects(task, projectId) {
    const all = this.projects();
    const select = $('#f-project');
    const current = all.find(p => p.id === projectId) || null;
    const inbox = all.find(p => p.inbox && p.role === 'owner') || all.find(p => p.inbox) || null;
    let choices = all.filter(p => p.role !== 'viewer');
    if (task && current) {
      choices = choices.filter(p => p.ownerId === current.ownerId);
    }
    if (current && !choices.includes(current)) {
      choices.unshift(current);
    }
    replaceChildren(select, choices.map(p => h('option', { value: p.id }, p.name)));
    select.value = (current || inbox || {}).id || '';
    $('#f-project-row').hidden = choices.length === 0;
    const subtask = Boolean(task && task.parentId);
    select.disabled = subtask;
    $('#f-project-hint').textContent = subtask ? 'A subtask stays in its parent’s project.' : '';
  }

  /** project: the (viewer's) project whose task this is, or null: the form can be changed. */
  setReadOnly(project) {
    this.readOnly = Boolean(project);
    $('#f-fields').disabled = this.readOnly;
    $('#f-save').hidden = this.readOnly;
    this.form.querySelector('.dialog-foot [data-close]').textContent = this.readOnly ? 'Close' : 'Cancel';
    $('#editor-read-only').hidden = !this.readOnly;
    $('#editor-read-only').textContent = project
      ? `You can view “${project.name}” but not change it (you are a viewer).` : '';
  }

  setZone(zone) {
    const select = $('#f-zone');
    if (!Array.from(select.options).some(option => option.value === zone)) {
      select.append(h('option', { value: zone }, zone));
    }
    select.value = zone;
  }

  error(text) {
    $('#editor-error').textContent = text;
  }

  // ---- recurrence ----

  async loadSeries(task) {
    this.series = null;
    if (!task.seriesId) {
      this.seriesLoaded = true;
      this.setRepeatEditable(true, '');
      return;
    }
    this.seriesLoaded = false;
    this.setRepeatEditable(false, 'Loading the repeat rule…');
    const opened = this.opened;
    try {
      const { items } = await api.all('/tasks/recurring', {});
      if (this.opened !== opened) {
        return;
      }
      const series = items.find(s => s.id === task.seriesId);
      this.seriesLoaded = true;
      if (series && series.taskId !== task.id) {
        this.setRepeatEditable(false, 'This is an earlier occurrence of a repeating task: change the rule on the '
          + 'newest one.');
        this.showRule(series);
        return;
      }
      this.series = series || null;
      if (series) {
        this.showRule(series);
      }
      this.setRepeatEditable(true, '');
    } catch (e) {
      if (this.opened === opened) {
        this.setRepeatEditable(false, `The repeat rule cannot be changed now: ${e.message}`);
      }
    }
  }

  showRule(series) {
    const rule = fromRule(series.rrule);
    $(`input[name=repeat][value=${rule.kind}]`).checked = true;
    $('#f-interval').value = rule.interval;
    $$('#f-weekdays input').forEach(box => {
      box.checked = rule.days.includes(box.value);
    });
    $('#f-rrule').value = rule.rrule;
    $(`input[name=anchor][value=${series.anchor === 'completion' ? 'completion' : 'schedule'}]`).checked = true;
    this.repeatChanged();
  }

  setRepeatEditable(editable, note) {
    this.repeatEditable = editable;
    $('#f-repeat').disabled = !editable;
    $('#f-repeat-note').textContent = note;
  }

  repeatKind() {
    return $('input[name=repeat]:checked').value;
  }

  repeatChanged() {
    const kind = this.repeatKind();
    const interval = Math.max(1, Math.min(999, Number($('#f-interval').value) || 1));
    $('#f-repeat-details').hidden = kind === 'none';
    $('#f-interval-row').hidden = kind === 'custom';
    $('#f-weekdays').hidden = kind !== 'weekly';
    $('#f-rrule-row').hidden = kind !== 'custom';
    $('#f-interval-unit').textContent = unit(kind, interval);
    if (kind !== 'none' && !$('#f-due-date').value && this.dialog.open) {
      // a series starts at its due date: offer the next full hour
      const next = new Date(Date.now() + 3600_000);
      const wall = toWall(next.getTime(), $('#f-zone').value);
      $('#f-due-date').value = wall.date;
      $('#f-due-time').value = `${wall.time.slice(0, 2)}:00`;
      this.dueChanged();
    }
    if (kind === 'weekly' && !$$('#f-weekdays input').some(box => box.checked) && $('#f-due-date').value) {
      $(`#f-weekdays input[value=${weekdayOf($('#f-due-date').value)}]`).checked = true;
    }
    if (kind === 'custom' && !$('#f-rrule').value) {
      // start from what the simple choices said
      $('#f-rrule').value = this.simpleRule || 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO';
    }
    if (kind !== 'custom' && kind !== 'none') {
      this.simpleRule = this.rule();
    }
    this.schedulePreview();
  }

  rule() {
    return toRule({
      kind: this.repeatKind(),
      interval: Math.max(1, Math.min(999, Number($('#f-interval').value) || 1)),
      days: $$('#f-weekdays input').filter(box => box.checked).map(box => box.value),
      rrule: $('#f-rrule').value,
    });
  }

  anchor() {
    return $('input[name=anchor]:checked').value;
  }

  schedulePreview() {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => this.preview(), 200);
  }

  /** The next five dates from the server's engine (the same one that spawns them). */
  async preview() {
    const rule = this.rule();
    const due = this.due();
    const list = $('#f-preview-list');
    const problem = $('#f-preview-error');
    const count = ++this.previewCount;
    if (!rule) {
      replaceChildren(list);
      problem.textContent = '';
      return;
    }
    if (!due) {
      replaceChildren(list);
      problem.textContent = 'Set a due date: the series starts there.';
      return;
    }
    try {
      const answer = await api.post('/recurrence/preview',
        { rrule: rule, dtstart: `${due.date}T${due.time}:00`, timezone: due.zone, count: 5 });
      if (count !== this.previewCount) {
        return;
      }
      problem.textContent = '';
      replaceChildren(list, answer.occurrences.map(local => h('li', {}, h('time', { datetime: local }, wallText(local)))));
      if (answer.occurrences.length === 0) {
        problem.textContent = 'This rule has no dates.';
      }
      $('#f-preview-title').textContent = this.anchor() === 'completion'
        ? 'Next 5 dates, if you complete each on its day' : 'Next 5 dates';
    } catch (e) {
      if (count === this.previewCount) {
        replaceChildren(list);
        problem.textContent = e.message;
      }
    }
  }

  // ---- due date ----

  /** {date, time, zone} or null. */
  due() {
    const date = $('#f-due-date').value;
    if (!date) {
      return null;
    }
    return { date, time: $('#f-due-time').value || '09:00', zone: $('#f-zone').value };
  }

  dueChanged() {
    const hasDue = Boolean($('#f-due-date').value);
    $('#f-due-clear').hidden = !hasDue;
    this.updatePresets();
    this.schedulePreview();
  }

  // ---- reminders ----

  async loadReminders(task) {
    this.existing = [];
    this.remindersReady = false;
    this.setRemindersNote('');
    const opened = this.opened;
    const supported = await remindersSupported();
    if (this.opened !== opened) {
      return;
    }
    this.remindersOn = supported;
    if (!supported) {
      this.setRemindersNote('Reminders are not available on this server.');
      this.updatePresets();
      return;
    }
    if (task) {
      try {
        const answer = await api.get(`/tasks/${task.id}/reminders`);
        if (this.opened !== opened) {
          return;
        }
        this.existing = answer.items || [];
      } catch (e) {
        this.remindersOn = false;
        this.setRemindersNote(`Reminders cannot be changed now: ${e.message}`);
        this.updatePresets();
        return;
      }
    }
    $$('#f-presets input').forEach(box => {
      box.checked = this.existing.some(r => r.offset === box.value);
    });
    this.custom = this.existing.filter(r => !PRESETS.includes(r.offset)).map(r => ({ ...r }));
    this.remindersReady = true;
    this.renderCustom();
    this.updatePresets();
  }

  setRemindersNote(text) {
    $('#f-reminders-note').textContent = text;
  }

  updatePresets() {
    const on = this.remindersOn !== false;
    const hasDue = Boolean($('#f-due-date').value);
    $$('#f-presets input').forEach(box => {
      box.disabled = !on || !hasDue;
    });
    $('#f-remind-at').disabled = !on;
    $('#f-remind-add').disabled = !on;
    if (on && this.remindersReady !== false) {
      this.setRemindersNote(hasDue ? '' : 'Set a due date to be reminded before it.');
    }
  }

  addCustomReminder() {
    const input = $('#f-remind-at');
    if (!input.value) {
      this.error('Pick a date and time for the reminder.');
      input.focus();
      return;
    }
    const [date, time] = input.value.split('T');
    const zone = $('#f-zone').value;
    const ms = wallToInstant(date, time, zone);
    if (ms <= Date.now()) {
      this.error('Pick a time in the future for the reminder.');
      input.focus();
      return;
    }
    this.error('');
    this.custom.push({ at: rfc3339(ms, zone) });
    input.value = '';
    this.renderCustom();
  }

  renderCustom() {
    const list = $('#f-remind-list');
    replaceChildren(list, this.custom.map((reminder, index) => {
      const text = reminder.at ? friendly(reminder.at) : describeOffset(reminder.offset);
      return h('li', {},
        h('span', {}, text, reminder.state && reminder.state !== 'pending'
          ? h('span', { class: 'state' }, ` · ${reminder.state}`) : null),
        h('button', {
          type: 'button', class: 'icon-button danger', 'aria-label': `Remove the reminder ${text}`,
          onclick: () => {
            const [gone] = this.custom.splice(index, 1);
            if (gone.id) {
              this.removed.push(gone.id);
            }
            this.renderCustom();
            $('#f-remind-at').focus();
          },
        }, '×'));
    }));
  }

  async saveReminders(task) {
    if (!this.remindersOn || this.remindersReady === false) {
      return;
    }
    const path = `/tasks/${task.id}/reminders`;
    const wanted = $$('#f-presets input').filter(box => box.checked && !box.disabled).map(box => box.value);
    for (const offset of PRESETS) {
      const have = this.existing.filter(r => r.offset === offset);
      if (wanted.includes(offset) && have.length === 0) {
        await api.post(path, { offset });
      } else if (!wanted.includes(offset)) {
        for (const reminder of have) {
          await api.del(`${path}/${reminder.id}`);
        }
      }
    }
    for (const id of this.removed) {
      await api.del(`${path}/${id}`);
    }
    this.removed = [];
    for (const reminder of this.custom.filter(r => !r.id)) {
      const created = await api.post(path, { at: reminder.at });
      Object.assign(reminder, created);
    }
  }

  // ---- saving ----

  read() {
    const tags = [];
    for (const tag of $('#f-tags').value.split(',').map(t => t.trim()).filter(Boolean)) {
      if (!tags.includes(tag)) {
        tags.push(tag);
      }
    }
    const due = this.due();
    return {
      projectId: $('#f-project').value || null,
      title: $('#f-title').value.trim(),
      description: $('#f-description').value,
      priority: $('#f-priority').value,
      tags,
      due,
      dueAt: due ? rfc3339(wallToInstant(due.date, due.time, due.zone), due.zone) : null,
      rule: this.rule(),
      anchor: this.anchor(),
    };
  }

  async save() {
    if (this.saving || this.readOnly) {
      return;
    }
    const form = this.read();
    if (!form.title) {
      this.error('Give the task a title.');
      $('#f-title').setAttribute('aria-invalid', 'true');
      $('#f-title').focus();
      return;
    }
    $('#f-title').removeAttribute('aria-invalid');
    if (form.rule && !form.due && this.repeatEditable) {
      this.error('A repeating task needs a due date: its series starts there.');
      $('#f-due-date').focus();
      return;
    }
    this.error('');
    this.setSaving(true);
    let stage = 'task';
    try {
      let task = this.task ? await this.update(form) : await this.create(form);
      stage = 'reminders';
      await this.saveReminders(task);
      this.dialog.close();
    } catch (e) {
      if (e.status === 412 && this.task) {
        const latest = await api.get(`/tasks/${this.task.id}`).catch(() => null);
        if (latest) {
          this.task = latest;
          this.onSaved(latest);
        }
        this.error('This task was changed somewhere else (another tab?) while you were editing. Save again to keep '
          + 'what you see here, or Cancel.');
      } else if (stage === 'reminders') {
        this.error(`The task is saved, but not every reminder: ${e.message}`);
        this.loadReminders(this.task);
      } else {
        this.error(e.message);
      }
    } finally {
      this.setSaving(false);
    }
  }

  async create(form) {
    const body = { title: form.title, priority: form.priority };
    if (form.projectId) {
      body.projectId = form.projectId;
    }
    if (form.description.trim()) {
      body.description = form.description;
    }
    if (form.tags.length) {
      body.tags = form.tags;
    }
    if (form.due) {
      body.dueAt = form.dueAt;
      body.timezone = form.due.zone;
      if (form.rule) {
        body.recurrence = {
          rrule: form.rule, dtstart: `${form.due.date}T${form.due.time}:00`, timezone: form.due.zone,
          anchor: form.anchor,
        };
      }
    }
    const task = await api.post('/tasks', body);
    this.task = task;
    this.onSaved(task);
    $('#editor-title').textContent = 'Edit task';
    return task;
  }

  async update(form) {
    const before = this.task;
    const patch = {};
    if (form.title !== before.title) {
      patch.title = form.title;
    }
    if (form.description !== (before.description || '')) {
      patch.description = form.description;
    }
    if (form.priority !== before.priority) {
      patch.priority = form.priority;
    }
    if (form.projectId && before.projectId && form.projectId !== before.projectId && !before.parentId) {
      // moves the task, with its subtasks, to another project of the same account
      patch.projectId = form.projectId;
    }
    if (form.tags.join('\n') !== (before.tags || []).join('\n')) {
      patch.tags = form.tags;
    }
    if (dueChanged(before, form.due)) {
      patch.dueAt = form.dueAt;
      patch.timezone = form.due ? form.due.zone : null;
    }
    let task = before;
    if (Object.keys(patch).length > 0) {
      task = await api.patch(`/tasks/${before.id}`, patch, before.version);
      this.task = task;
      this.onSaved(task);
    }
    if (this.seriesLoaded && this.repeatEditable) {
      const series = this.series;
      if (!form.rule && series) {
        await api.del(`/tasks/${task.id}/recurrence`);
        this.series = null;
      } else if (form.rule && (!series || series.rrule !== form.rule || series.anchor !== form.anchor)) {
        if (!form.due) {
          throw new api.ApiError(400, 'A repeating task needs a due date: its series starts there.');
        }
        this.series = await api.put(`/tasks/${task.id}/recurrence`, {
          rrule: form.rule, dtstart: `${form.due.date}T${form.due.time}:00`, timezone: form.due.zone,
          anchor: form.anchor,
        });
      } else {
        return task;
      }
      task = await api.get(`/tasks/${task.id}`);
      this.task = task;
      this.onSaved(task);
    }
    return task;
  }

  setSaving(saving) {
    this.saving = saving;
    $('#f-save').disabled = saving;
    $('#f-save').setAttribute('aria-busy', String(saving));
  }
}

/** Whether the form's due date (to the minute, as the form shows it) differs from the task's. */
function dueChanged(task, due) {
  if (!task.dueAt || !due) {
    return Boolean(task.dueAt) !== Boolean(due);
  }
  const zone = task.timezone || localZone();
  return due.zone !== zone || toWall(Date.parse(task.dueAt), zone).key !== `${due.date}T${due.time}`;
}

/** -PT30M -> "30 minutes before", for offsets that are not one of the presets. */
function describeOffset(offset) {
  const match = /^([-+]?)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(offset || '');
  if (!match) {
    return offset;
  }
  const parts = [];
  const [, sign, d, hh, mm, ss] = match;
  if (d) {
    parts.push(`${d} day${d === '1' ? '' : 's'}`);
  }
  if (hh) {
    parts.push(`${hh} h`);
  }
  if (mm) {
    parts.push(`${mm} min`);
  }
  if (ss && ss !== '0') {
    parts.push(`${ss} s`);
  }
  if (parts.length === 0) {
    return 'At the due time';
  }
  return `${parts.join(' ')} ${sign === '-' ? 'before' : 'after'} due`;
}
