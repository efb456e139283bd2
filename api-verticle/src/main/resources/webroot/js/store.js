// The tasks this tab knows, kept current by events. A snapshot only replaces an older version of the same task, so
// the same change arriving twice (live and from the history, or with a reload) is applied once.
import { startOfDay } from './time.js';

export const VIEWS = {
  open: { title: 'Open', empty: 'Nothing open. Add a task above.' },
  today: { title: 'Due today', empty: 'Nothing due today.' },
  overdue: { title: 'Overdue', empty: 'Nothing overdue. Well done.' },
  upcoming: { title: 'Upcoming', empty: 'Nothing coming up.' },
  completed: { title: 'Completed', empty: 'Nothing completed yet.' },
  all: { title: 'All tasks', empty: 'No tasks yet. Add one above.' },
  // manual order (issue 14): the open tasks as the user arranged them
  manual: { title: 'My order', empty: 'Nothing open. Add a task above.', reorder: true },
};

const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };

export class TaskStore {
  constructor() {
    this.tasks = new Map();
    this.deleted = new Set();
    this.touched = new Map();
    this.epoch = 0;
    // projects: the ids of the projects this user is a member of; null until the list is known (everything shows)
    this.projects = null;
  }

  /** A snapshot from an event or a response; true when it changed what this tab shows. */
  upsert(task) {
    if (!task || this.deleted.has(task.id) || !this.inProjects(task)) {
      return false;
    }
    const current = this.tasks.get(task.id);
    if (current && current.version >= task.version) {
      return false;
    }
    this.tasks.set(task.id, task);
    this.touched.set(task.id, ++this.epoch);
    return true;
  }

  /** A task of a project this user is not (or no longer) a member of is never kept, however late its answer comes. */
  inProjects(task) {
    return this.projects === null || !task.projectId || this.projects.has(task.projectId);
  }

  /**
   * The user's projects are now these (ids): the tasks of any other project leave the store at once (not as deleted:
   * they come back if the user is added again). True when that changed what this tab shows.
   */
  setProjects(ids) {
    this.projects = new Set(ids);
    let changed = false;
    for (const [id, task] of this.tasks) {
      if (!this.inProjects(task)) {
        this.tasks.delete(id);
        this.touched.set(id, ++this.epoch);
        changed = true;
      }
    }
    return changed;
  }

  remove(id) {
    this.deleted.add(id);
    this.touched.set(id, ++this.epoch);
    return this.tasks.delete(id);
  }

  /** Snapshots from a list response: newer versions win. */
  merge(tasks) {
    tasks.forEach(task => this.upsert(task));
  }

  /**
   * The list as loaded from the server becomes the state; what events changed after the load began (epoch `since`)
   * is kept, newest version first.
   */
  replace(tasks, since) {
    const previous = this.tasks;
    this.tasks = new Map();
    for (const task of tasks) {
      if (!this.deleted.has(task.id) && this.inProjects(task)) {
        this.tasks.set(task.id, task);
      }
    }
    for (const [id, task] of previous) {
      const fetched = this.tasks.get(id);
      if ((this.touched.get(id) || 0) > since && (!fetched || fetched.version < task.version) && this.inProjects(task)) {
        this.tasks.set(id, task);
      }
    }
  }

  get(id) {
    return this.tasks.get(id);
  }

  tags() {
    const tags = new Set();
    for (const task of this.tasks.values()) {
      (task.tags || []).forEach(tag => tags.add(tag));
    }
    return Array.from(tags).sort((a, b) => a.localeCompare(b));
  }

  /** The tasks a filter shows, in the order the view shows them. */
  matching(filter, now = Date.now()) {
    const matches = matcher(filter, now);
    const list = Array.from(this.tasks.values()).filter(matches);
    return list.sort(filter.view === 'completed' ? byCompletion : filter.view === 'manual' ? byPosition : byDue);
  }

  /** Each task's subtasks this tab knows: {done, total} by parent id. */
  subtaskCounts() {
    const counts = new Map();
    for (const task of this.tasks.values()) {
      if (task.parentId) {
        const count = counts.get(task.parentId) || { done: 0, total: 0 };
        count.total += 1;
        count.done += task.status === 'completed' ? 1 : 0;
        counts.set(task.parentId, count);
      }
    }
    return counts;
  }
}

/**
 * The project a filter shows (null: every project): the selected one, and for "My order", whose positions count
 * within one project only, the Inbox when "All projects" is selected.
 */
export function scopeOf(filter) {
  if (filter.view === 'manual') {
    return filter.project || filter.inbox || null;
  }
  return filter.project || null;
}

/** The filter's query for GET /tasks: what the server filters by is what matcher() checks for live changes. */
export function listParams(filter, now = Date.now()) {
  const params = { tag: filter.tag || null, q: filter.q || null, projectId: scopeOf(filter) };
  switch (filter.view) {
    case 'open':
    case 'manual':
      return { ...params, status: 'open' };
    case 'today':
      return {
        ...params, status: 'open', dueAfter: new Date(startOfDay(now) - 1).toISOString(),
        dueBefore: new Date(startOfDay(now, 1)).toISOString(),
      };
    case 'overdue':
      return { ...params, status: 'open', dueBefore: new Date(now).toISOString() };
    case 'upcoming':
      return { ...params, status: 'open', dueAfter: new Date(now).toISOString() };
    case 'completed':
      return { ...params, status: 'completed' };
    default:
      return params;
  }
}

function matcher(filter, now) {
  const params = listParams(filter, now);
  const q = params.q ? params.q.toLowerCase() : null;
  const before = params.dueBefore ? Date.parse(params.dueBefore) : null;
  const after = params.dueAfter ? Date.parse(params.dueAfter) : null;
  return task => {
    if (params.projectId && task.projectId && task.projectId !== params.projectId) {
      return false;
    }
    if (params.status && task.status !== params.status) {
      return false;
    }
    const due = task.dueAt ? Date.parse(task.dueAt) : null;
    if (before !== null && (due === null || due >= before)) {
      return false;
    }
    if (after !== null && (due === null || due <= after)) {
      return false;
    }
    if (params.tag && !(task.tags || []).includes(params.tag)) {
      return false;
    }
    if (q && !(task.title.toLowerCase().includes(q) || (task.description || '').toLowerCase().includes(q))) {
      return false;
    }
    return true;
  };
}

/** Open first; then soonest due (none last), most urgent, newest. */
function byDue(a, b) {
  if (a.status !== b.status) {
    return a.status === 'open' ? -1 : 1;
  }
  const dueA = a.dueAt ? Date.parse(a.dueAt) : Infinity;
  const dueB = b.dueAt ? Date.parse(b.dueAt) : Infinity;
  if (dueA !== dueB) {
    return dueA < dueB ? -1 : 1;
  }
  const rank = (PRIORITY_RANK[a.priority] ?? 2) - (PRIORITY_RANK[b.priority] ?? 2);
  if (rank !== 0) {
    return rank;
  }
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || a.id.localeCompare(b.id);
}

/** The user's own order (position ascending within a list; subtasks are put under their parent by the list view). */
export function byPosition(a, b) {
  return (a.position ?? 0) - (b.position ?? 0) || a.id.localeCompare(b.id);
}

/**
 * Puts each shown subtask right under its shown parent (in their own order) and leaves out those of collapsed parents;
 * a subtask whose parent is not shown stays where the view's order put it.
 */
export function grouped(tasks, collapsed) {
  const shown = new Set(tasks.map(task => task.id));
  const children = new Map();
  for (const task of tasks) {
    if (task.parentId && shown.has(task.parentId)) {
      if (!children.has(task.parentId)) {
        children.set(task.parentId, []);
      }
      children.get(task.parentId).push(task);
    }
  }
  const out = [];
  for (const task of tasks) {
    if (task.parentId && shown.has(task.parentId)) {
      continue;
    }
    out.push(task);
    const kids = children.get(task.id);
    if (kids && !collapsed.has(task.id)) {
      out.push(...kids.sort(byPosition));
    }
  }
  return out;
}

function byCompletion(a, b) {
  return Date.parse(b.completedAt || b.updatedAt) - Date.parse(a.completedAt || a.updatedAt)
    || a.id.localeCompare(b.id);
}
