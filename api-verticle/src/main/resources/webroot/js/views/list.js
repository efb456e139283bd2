// The task list: one <li> per task, kept (not rebuilt) across renders so focus and scroll stay where they are.
// Subtasks are rows of their own, indented under their parent (which can collapse them). Where the view is in the
// user's own order, a row moves among its siblings by drag and drop or by Alt+ArrowUp / Alt+ArrowDown. A task of a
// project the user may only view has none of the controls that change it (no check, add, delete or drag): its title
// still opens it, to read.
import { h, icon, replaceChildren } from '../dom.js';
import { friendly, full, fullIn, localZone } from '../time.js';

const PRIORITY = { low: 'Low', normal: null, high: 'High', urgent: 'Urgent' };

export class TaskList {
  /**
   * @param actions {toggle(task, checkbox), edit(task), history(task), remove(task), tag(name), addSubtask(task),
   *   collapse(task), move(task, {after, before})}
   */
  constructor(ul, actions) {
    this.ul = ul;
    this.actions = actions;
    this.rows = new Map();
    this.reorder = false;
    this.dragged = null;
    ul.addEventListener('click', event => this.onClick(event));
    ul.addEventListener('keydown', event => this.onKey(event));
    ul.addEventListener('keydown', event => this.onKeydown(event));
    ul.addEventListener('keyup', event => {
      if (event.key === ' ' && event.target.matches('.task-title')) {
        event.preventDefault(); // Space completes (below); it must not also click the title, which opens the editor
      }
    });
    ul.addEventListener('dragstart', event => this.onDragStart(event));
    ul.addEventListener('dragover', event => this.onDragOver(event));
    ul.addEventListener('dragleave', event => this.clearDropMark(event.target.closest('.task')));
    ul.addEventListener('drop', event => this.onDrop(event));
    ul.addEventListener('dragend', () => this.endDrag());
    ul.addEventListener('change', event => {
      if (event.target.matches('.check')) {
        const row = event.target.closest('.task');
        this.actions.toggle(this.rows.get(row.dataset.taskId).task, event.target);
      }
    });
  }

  onClick(event) {
    const button = event.target.closest('button[data-action]');
    if (!button) {
      return;
    }
    const row = button.closest('.task');
    const task = this.rows.get(row.dataset.taskId).task;
    const action = button.dataset.action;
    if (action === 'tag') {
      this.actions.tag(button.dataset.tag);
    } else {
      this.actions[action](task);
    }
  }

  // ---- keyboard on rows (issue 14): Space on a row's title completes (or reopens) it; ArrowUp / ArrowDown move focus
  // to the same control of the row above / below (Alt+Arrow is left to reordering) ----
  onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    const row = event.target.closest('.task');
    if (!row) {
      return;
    }
    if (event.key === ' ' && event.target.matches('.task-title')) {
      event.preventDefault();
      const entry = this.rows.get(row.dataset.taskId);
      const check = row.querySelector('.check');
      if (check) {
        this.actions.toggle(entry.task, check);
      }
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
      if (!next) {
        return;
      }
      event.preventDefault();
      const key = event.target.dataset.focusKey;
      const same = key ? next.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) : null;
      (same || next.querySelector('.task-title')).focus();
    }
  }

  /** The rendered siblings of a row (same parent), top to bottom. */
  siblings(li) {
    return Array.from(this.ul.children).filter(other => other.classList.contains('task')
      && (other.dataset.parentId || '') === (li.dataset.parentId || ''));
  }

  /** Alt+ArrowUp / Alt+ArrowDown on a focused row moves it above the sibling before it or below the one after. */
  onKeydown(event) {
    if (!this.reorder || !event.altKey || event.ctrlKey || event.metaKey
      || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) {
      return;
    }
    const li = event.target.closest('.task');
    if (!li || !li.draggable || event.target.closest('input[type=text], textarea')) {
      return;
    }
    event.preventDefault();
    const siblings = this.siblings(li);
    const index = siblings.indexOf(li);
    const task = this.rows.get(li.dataset.taskId).task;
    if (event.key === 'ArrowUp' && index > 0) {
      this.actions.move(task, { before: siblings[index - 1].dataset.taskId });
    } else if (event.key === 'ArrowDown' && index >= 0 && index < siblings.length - 1) {
      this.actions.move(task, { after: siblings[index + 1].dataset.taskId });
    }
  }

  onDragStart(event) {
    const li = event.target.closest && event.target.closest('.task');
    if (!this.reorder || !li || !li.draggable) {
      return;
    }
    this.dragged = li;
    li.classList.add('dragging');
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', li.dataset.taskId);
  }

  /** Where a drop on `li` would put the dragged row: before it (upper half) or after it; null: not a sibling. */
  dropPlace(event, li) {
    if (!this.dragged || !li || li === this.dragged
      || (li.dataset.parentId || '') !== (this.dragged.dataset.parentId || '')) {
      return null;
    }
    const box = li.getBoundingClientRect();
    return event.clientY < box.top + box.height / 2 ? 'before' : 'after';
  }

  onDragOver(event) {
    const li = event.target.closest('.task');
    const place = this.dropPlace(event, li);
    if (!place) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    li.dataset.drop = place;
  }

  onDrop(event) {
    const li = event.target.closest('.task');
    const place = this.dropPlace(event, li);
    if (!place) {
      this.endDrag();
      return;
    }
    event.preventDefault();
    const task = this.rows.get(this.dragged.dataset.taskId).task;
    this.endDrag();
    this.actions.move(task, { [place]: li.dataset.taskId });
  }

  clearDropMark(li) {
    if (li) {
      delete li.dataset.drop;
    }
  }

  endDrag() {
    if (this.dragged) {
      this.dragged.classList.remove('dragging');
    }
    this.dragged = null;
    this.ul.querySelectorAll('.task[data-drop]').forEach(li => delete li.dataset.drop);
  }

  /**
   * Shows exactly `tasks`, in this order. `info`: {counts: Map parent id -> {done, total}, collapsed: Set of parent
   * ids, reorder: whether rows can be moved (the view is in the user's order), readOnly: task => whether the user may
   * only view it, project: task => the name of its project to show beside it (or null)}.
   */
  render(tasks, now = Date.now(), info = {}) {
    const counts = info.counts || new Map();
    const collapsed = info.collapsed || new Set();
    const readOnly = info.readOnly || (() => false);
    const projectOf = info.project || (() => null);
    this.reorder = Boolean(info.reorder);
    const focused = document.activeElement;
    const focusedRow = focused && focused.closest ? focused.closest('#task-list .task') : null;
    const focusKey = focusedRow ? focused.dataset.focusKey : null;
    const wanted = new Set(tasks.map(task => task.id));
    for (const [id, entry] of this.rows) {
      if (!wanted.has(id)) {
        this.removeRow(id, entry.li, tasks);
      }
    }
    let previous = null;
    for (const task of tasks) {
      let entry = this.rows.get(task.id);
      const count = counts.get(task.id);
      const extra = {
        count, collapsed: collapsed.has(task.id), readOnly: readOnly(task), project: projectOf(task),
      };
      extra.reorder = this.reorder && !extra.readOnly;
      const key = `${task.version}|${dueClass(task, now)}|${friendlyKey(task, now)}|`
        + `${count ? `${count.done}/${count.total}` : ''}|${extra.collapsed}|${extra.reorder}|${extra.readOnly}|`
        + `${extra.project || ''}`;
      if (!entry) {
        entry = { li: h('li', { class: 'task' }), task, key: null };
        this.rows.set(task.id, entry);
      }
      if (entry.key !== key) {
        entry.task = task;
        entry.key = key;
        fill(entry.li, task, now, extra);
      }
      const expectedNext = previous ? previous.nextSibling : this.ul.firstChild;
      if (expectedNext !== entry.li) {
        this.ul.insertBefore(entry.li, expectedNext);
      }
      previous = entry.li;
    }
    // a row moved in the list (a reorder) loses focus as the DOM moves it: give it back
    if (focusedRow && focusedRow.isConnected && !focusedRow.contains(document.activeElement)) {
      const again = focusedRow.querySelector(`[data-focus-key="${CSS.escape(focusKey || 'title')}"]`);
      if (again) {
        again.focus();
      }
    }
  }

  /** Moves focus to a neighbour before a focused row goes away. */
  removeRow(id, li, tasks) {
    if (li.contains(document.activeElement)) {
      const next = li.nextElementSibling || li.previousElementSibling;
      const target = next && next.querySelector('.task-title');
      if (target) {
        target.focus();
      } else {
        document.getElementById('quick-title').focus();
      }
    }
    li.remove();
    this.rows.delete(id);
  }

  clear() {
    this.rows.clear();
    this.ul.replaceChildren();
  }
}

/** (Re)writes one row; the control that had focus gets it back. */
function fill(li, task, now, extra = {}) {
  const focused = li.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  li.dataset.taskId = task.id;
  if (task.parentId) {
    li.dataset.parentId = task.parentId;
  } else {
    delete li.dataset.parentId;
  }
  li.classList.toggle('subtask', Boolean(task.parentId));
  li.draggable = Boolean(extra.reorder);
  if (extra.reorder) {
    li.title = 'Drag to reorder, or Alt+ArrowUp / Alt+ArrowDown';
  } else {
    li.removeAttribute('title');
  }
  li.dataset.status = task.status;
  li.dataset.version = task.version;
  li.dataset.priority = task.priority;
  const done = task.status === 'completed';
  li.classList.toggle('read-only', Boolean(extra.readOnly));
  const check = extra.readOnly ? h('span', { class: 'check-space', 'aria-hidden': 'true' }) : h('input', {
    type: 'checkbox', class: 'check', checked: done, dataset: { focusKey: 'check' },
    'aria-label': done ? `Completed: ${task.title}. Reopen` : `Complete ${task.title}`,
  });
  const meta = h('div', { class: 'task-meta' });
  if (extra.project) {
    meta.append(h('span', { class: 'meta project-label' }, icon('folder'), extra.project));
  }
  if (extra.readOnly) {
    meta.append(h('span', { class: 'badge view-only' }, 'View only'));
  }
  if (task.dueAt) {
    meta.append(h('span', { class: `meta due ${dueClass(task, now)}`, title: dueTitle(task) },
      icon('clock'), friendly(task.dueAt, now)));
  }
  if (done && task.completedAt) {
    meta.append(h('span', { class: 'meta', title: full(task.completedAt) }, icon('done'),
      `Done ${friendly(task.completedAt, now)}`));
  }
  if (PRIORITY[task.priority]) {
    meta.append(h('span', { class: `badge ${task.priority}` }, PRIORITY[task.priority]));
  }
  if (task.seriesId) {
    meta.append(h('span', { class: 'meta repeats' }, icon('repeat'), 'Repeats'));
  }
  if (extra.count) {
    meta.append(h('span', { class: 'meta subtask-count', title: 'Subtasks done' }, icon('list'),
      `${extra.count.done}/${extra.count.total}`));
  }
  for (const tag of task.tags || []) {
    meta.append(h('button', {
      type: 'button', class: 'tag', dataset: { action: 'tag', tag, focusKey: `tag:${tag}` },
      'aria-label': `Show tasks tagged ${tag}`,
    }, '#', tag));
  }
  const expander = extra.count ? h('button', {
    type: 'button', class: 'icon-button expander', dataset: { action: 'collapse', focusKey: 'collapse' },
    'aria-expanded': String(!extra.collapsed),
    'aria-label': `${extra.collapsed ? 'Show' : 'Hide'} the subtasks of ${task.title}`,
  }, extra.collapsed ? '▸' : '▾') : h('span', { class: 'expander-space' });
  replaceChildren(li,
    expander,
    check,
    h('div', { class: 'task-body' },
      h('button', { type: 'button', class: 'task-title', dataset: { action: 'edit', focusKey: 'title' } }, task.title),
      task.description ? h('p', { class: 'task-notes' }, task.description) : null,
      meta.childNodes.length ? meta : null),
    h('div', { class: 'task-actions' },
      task.parentId || extra.readOnly ? null : h('button', {
        type: 'button', class: 'icon-button', dataset: { action: 'addSubtask', focusKey: 'add-subtask' },
        'aria-label': `Add a subtask to ${task.title}`, title: 'Add a subtask',
      }, icon('plus')),
      h('button', {
        type: 'button', class: 'icon-button', dataset: { action: 'history', focusKey: 'history' },
        'aria-label': `History of ${task.title}`, title: 'History',
      }, icon('history')),
      extra.readOnly ? null : h('button', {
        type: 'button', class: 'icon-button danger', dataset: { action: 'remove', focusKey: 'remove' },
        'aria-label': `Delete ${task.title}`, title: 'Delete',
      }, icon('trash'))));
  if (focused) {
    const again = li.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`);
    if (again) {
      again.focus();
    }
  }
}

function dueClass(task, now) {
  if (!task.dueAt || task.status !== 'open') {
    return '';
  }
  const due = Date.parse(task.dueAt);
  if (due < now) {
    return 'overdue';
  }
  return due - now < 3 * 3600_000 ? 'soon' : '';
}

function friendlyKey(task, now) {
  return (task.dueAt ? friendly(task.dueAt, now) : '') + (task.completedAt ? friendly(task.completedAt, now) : '');
}

/**
 * The due date in the browser's zone, said to be so (issue 14: "(set in <zone>)" after a time in the browser's zone
 * read as if that time were the set zone's), and the wall-clock time in the task's own zone when that is another.
 */
function dueTitle(task) {
  const mine = localZone();
  const text = `${full(task.dueAt)} your time (${mine})`;
  if (!task.timezone || task.timezone === mine) {
    return text;
  }
  return `${text}; ${fullIn(task.dueAt, task.timezone)} in ${task.timezone}, the zone it was set in`;
}
