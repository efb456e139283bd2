// Taskflow's web UI: wires the session, the live connection, the merge by sequence, the store and the views.
//
// Projects: the tab follows every project the user is a member of (tasks.project.<id>). The user's own account's
// events (its own projects, whoever changed them) come in its sequence and merge through Sync; events of projects of
// other accounts (shared with the user) carry that account's sequence, so they are applied as they come, by task
// version, and a reconnect reloads the list instead of catching up on them.
import * as api from './api.js';
import * as session from './session.js';
import { $, $$, h, replaceChildren } from './dom.js';
import { Live } from './live.js';
import { REMINDER, Sync } from './sync.js';
import { TaskStore, VIEWS, grouped, listParams, scopeOf } from './store.js';
import { TaskList } from './views/list.js';
import { Editor } from './views/editor.js';
import { History } from './views/history.js';
import * as toasts from './views/toasts.js';
import * as dialogs from './views/dialogs.js';
import { showAuth, wireAuth } from './views/auth.js';
import { Account } from './views/account.js';
import * as drafts from './drafts.js';
// quick add that understands (issue 14)
import { QuickAddPreview } from './views/quick-add.js';
import { taskBody } from './quickadd.js';
import * as notify from './notify.js';
import { ProjectDialog, ProjectsView, canWrite } from './views/projects.js';
import { ShareDialog } from './views/share.js';

const LIVE_TEXT = { live: 'Live', connecting: 'Connecting…', offline: 'Offline' };

const state = {
  user: null,
  store: new TaskStore(),
  sync: null,
  live: null,
  // project: the selected project's id (null: all projects); inbox: the user's Inbox (where "My order" of all goes)
  filter: { view: 'open', tag: null, q: null, project: null, inbox: null },
  loaded: false,
  // the user's projects as GET /projects lists them; known: loaded once since sign-in
  projects: [],
  projectsKnown: false,
  more: false,
  timers: [],
  pending: new Set(),
  logoutReason: '',
  // this tab's own "Log out": what the editor held is not kept for the next sign-in
  loggingOut: false,
  renewTimer: null,
  // subtasks: the parents whose subtasks are hidden in this tab
  collapsed: new Set(),
};

let list;
let editor;
let history;
let account;
let quickPreview;
let projectsView;
let projectDialog;
let shareDialog;

function boot() {
  wireAuth();
  list = new TaskList($('#task-list'), {
    toggle,
    edit: task => editor.openEdit(task),
    history: task => history.open(task),
    remove,
    tag: setTag,
    addSubtask: task => openSubtaskDialog(task),
    collapse: toggleCollapsed,
    move: moveTask,
  });
  editor = new Editor({ onSaved: task => applySnapshot(task), projects: () => state.projects });
  projectsView = new ProjectsView({
    select: id => selectProject(id),
    create: createProject,
    rename: renameProject,
    remove: deleteProject,
    share: project => shareDialog.open(project),
  });
  projectDialog = new ProjectDialog();
  shareDialog = new ShareDialog({
    me: () => state.user && state.user.id,
    changed: () => refreshProjects().catch(() => {}),
    left: project => dropProject(project.id, name => `You left “${name}”.`),
  });
  history = new History();
  account = new Account({ signOut: reason => endSession(reason) });
  notify.start();
  dialogs.wire($('#confirm'));
  dialogs.wire($('#subtask-dialog'));
  $('#subtask-form').addEventListener('submit', addSubtask);
  wireShell();
  api.whenUnauthorized(() => expire());
  session.onChange(onSessionChange);
  const current = session.valid();
  if (current) {
    start(current);
  } else if (session.current()) {
    // the access token ran out while no tab was open: the refresh cookie may still be good
    session.renew().then(renewed => {
      if (!renewed) {
        session.clear();
        showAuth('Your session has ended. Log in again.');
      } else if (!state.user) {
        start(renewed);
      }
    }, () => showAuth('The server cannot be reached. Check your connection and try again.'));
  } else {
    showAuth('');
  }
}

// ---- session ----

function onSessionChange(current) {
  if (!current) {
    if (state.user) {
      stop();
    }
    showAuth(state.logoutReason);
    state.logoutReason = '';
    return;
  }
  if (!state.user || state.user.id !== current.user.id) {
    if (state.user) {
      stop();
    }
    start(current);
  } else {
    // a renewed token (this tab or another), or a login in another tab
    scheduleRenewal(current);
    if (state.live) {
      state.live.retryNow();
    }
  }
}

/** The session could not be renewed: signed out elsewhere, revoked, or too long unused. */
function expire() {
  endSession('Your session has ended. Log in again.');
}

function endSession(reason) {
  if (!state.user) {
    return;
  }
  state.logoutReason = reason;
  session.clear();
}

/** Renews the access token a little before it runs out, so nobody is signed out while working. */
function scheduleRenewal(current) {
  clearTimeout(state.renewTimer);
  const wait = Math.max(0, session.renewAt(current) - Date.now());
  state.renewTimer = setTimeout(() => {
    session.renew().then(renewed => {
      if (!renewed) {
        expire();
      }
    }, () => {
      // the server cannot be reached: try again soon, and on the next request
      state.renewTimer = setTimeout(() => scheduleRenewal(session.current() || current), 5_000);
    });
  }, wait);
}

/** The bridge refused the token: expired (renew it), revoked, or this account is gone. */
function checkSession() {
  const kept = session.current();
  if (!kept) {
    expire();
    return;
  }
  session.renew(session.valid() ? null : kept.token).then(renewed => {
    if (!renewed) {
      expire();
    } else if (!session.valid()) {
      expire();
    } else {
      // a valid token the bridge refused: ask the API, whose 401 renews once and then signs out
      api.get('/me').catch(() => {});
    }
  }, () => {});
}

function start(current) {
  state.user = current.user;
  state.store = new TaskStore();
  state.loaded = false;
  state.filter = { view: 'open', tag: null, q: null, project: null, inbox: null };
  state.projects = [];
  state.projectsKnown = false;
  projectsView.render([], null);
  $('#search').value = '';
  $('#active-tag').hidden = true;
  shownTags = null;
  replaceChildren($('#tag-list'));
  list.clear();
  $('#auth').hidden = true;
  $('#shell').hidden = false;
  $('#who').textContent = current.user.displayName || current.user.email;
  $('#who').title = current.user.email;
  state.sync = new Sync({
    fetchEvents: after => api.get('/events' + api.query({ afterSequence: after, limit: 200 })),
    apply: applyEvent,
    reload: () => load(true),
  });
  state.live = new Live({
    session: session.valid,
    onEvent,
    onState: showLiveState,
    onOpen: onLiveOpen,
    onRefused: checkSession,
    // on every (re)connect the projects first: only the current ones are registered on (a revoked one is not)
    beforeFollow: () => refreshProjects(),
  });
  state.live.start();
  // the list loads once the live handlers are registered (nothing is missed in between); not later than this
  state.timers.push(setTimeout(() => {
    if (!state.projectsKnown) {
      refreshProjects().catch(e => setListStatus(`The projects could not be loaded: ${e.message}`, true));
    }
    if (!state.loaded) {
      load(false).catch(() => {});
    }
  }, 2500));
  state.timers.push(setInterval(() => render(), 30_000));
  scheduleRenewal(current);
  restoreDraft(current.user.id);
  state.timers.push(setInterval(() => {
    if (state.live && state.live.state === 'live') {
      state.sync.catchUp().catch(() => {});
    }
  }, 60_000));
  selectView(state.filter.view, false);
  $('#quick-title').focus();
}

/** After a sign-in, what the editor held when the previous session ended, back in the editor. */
async function restoreDraft(userId) {
  const draft = drafts.peek(userId);
  if (!draft) {
    return;
  }
  try {
    if (draft.taskId) {
      editor.openEdit(await api.get(`/tasks/${draft.taskId}`));
    } else {
      editor.openNew();
    }
    drafts.restore(draft, editor.form);
    drafts.discard(); // only now: a restore that failed (the task could not be loaded) keeps it for the next try
    toasts.notice('Your draft is back', 'What you were typing when the session ended was kept.');
  } catch (e) {
    toasts.error(`Your draft could not be restored: ${e.message}`);
  }
}

function stop() {
  clearTimeout(state.renewTimer);
  if (editor.dialog.open && !state.loggingOut) {
    drafts.keep(state.user.id, editor.task ? editor.task.id : null, editor.form);
  }
  state.loggingOut = false;
  state.timers.forEach(id => {
    clearTimeout(id);
    clearInterval(id);
  });
  state.timers = [];
  if (state.live) {
    state.live.stop();
  }
  if (state.sync) {
    state.sync.reset();
  }
  state.live = null;
  state.sync = null;
  state.user = null;
  for (const dialog of $$('dialog[open]')) {
    dialog.close();
  }
  toasts.clearAll();
  list.clear();
}

// ---- live ----

/** Snooze from a reminder's toast: the reminder is pending again `duration` from now. */
async function snoozeReminder(reminderId, duration) {
  try {
    const reminder = await api.post(`/reminders/${reminderId}/snooze`, { duration });
    toasts.info(`Snoozed until ${new Date(reminder.fireAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`);
  } catch (e) {
    toasts.error(e.message);
    throw e;
  }
}

/** Registered (again): catch up on the own account's events; the shared projects of others are reloaded instead. */
function onLiveOpen() {
  const sync = state.sync;
  sync.resume().catch(e => setListStatus(`The tasks could not be loaded: ${e.message}`, true));
  if (state.loaded && state.projects.some(foreign)) {
    load(true).catch(() => {});
  }
}

function onEvent(event) {
  if (event.type === 'taskflow.account.deleted') {
    endSession('This account was deleted.');
    return;
  }
  if (event.type === REMINDER) {
    toasts.reminder(event, 'live', openById, snoozeReminder);
    notify.showReminder(event);
  }
  if (event.userid && state.user && event.userid !== state.user.id) {
    // another account's project shared with this user: not in this user's sequence
    if (event.type !== REMINDER) {
      applyEvent(event, 'live');
    }
    return;
  }
  state.sync.receive(event);
}

/**
 * One event, in sequence order (or, before the first, as it comes; or, from another account, as it comes). A task
 * snapshot replaces only an older version of it (TaskStore.upsert), and none of a project the user is not in.
 */
function applyEvent(event, origin) {
  const data = event.data || {};
  let changed = false;
  if ((event.type || '').startsWith('taskflow.project.')) {
    applyProjectEvent(event);
    return;
  }
  if (event.type === REMINDER) {
    toasts.reminder(event, origin, openById, snoozeReminder);
  } else if (event.type === 'taskflow.task.deleted') {
    changed = state.store.remove(event.subject || (data.task && data.task.id));
  } else if (data.task) {
    changed = state.store.upsert(data.task);
  }
  if (event.type === 'taskflow.task.moved' && data.respaced && origin === 'live') {
    // the other tasks of that list got new positions too (same order): the list as it is now
    load(true).catch(() => {});
  }
  history.onEvent(event);
  if (changed) {
    scheduleRender();
  }
}

function applySnapshot(task) {
  if (state.store.upsert(task)) {
    scheduleRender();
  }
}

function showLiveState(liveState, info) {
  const box = $('#live');
  box.dataset.state = liveState;
  box.dataset.retryAt = info.retryAt || '';
  box.dataset.attempt = info.attempt || 0;
  const text = LIVE_TEXT[liveState];
  if ($('#live-text').textContent !== text) {
    $('#live-text').textContent = text;
  }
  $('#live-reconnect').hidden = liveState !== 'offline';
  clearInterval(state.countdown);
  const retry = $('#live-retry');
  retry.textContent = '';
  if (liveState === 'offline' && info.retryAt) {
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((info.retryAt - Date.now()) / 1000));
      retry.textContent = `retrying in ${seconds} s`;
    };
    tick();
    state.countdown = setInterval(tick, 1000);
  }
}

// ---- list ----

/** Loads the current view from the server; replace: the answer is the whole truth for it (after a resync). */
async function load(replace) {
  const store = state.store;
  const since = store.epoch;
  const filter = { ...state.filter };
  const slow = setTimeout(() => setListStatus('Loading…'), 400);
  try {
    // without a projectId, the tasks of every project the user is a member of, shared ones included
    const { items, more } = await api.all('/tasks', listParams(filter));
    if (store !== state.store) {
      return;
    }
    if (replace) {
      store.replace(items, since);
    } else {
      store.merge(items);
    }
    state.loaded = true;
    if (sameFilter(filter, state.filter)) {
      state.more = more;
    }
    setListStatus('');
    render();
  } catch (e) {
    if (store === state.store && e.status === 404 && scopeOf(filter)) {
      // the project went away (deleted, or this user removed) before its event came: the list of projects says so
      setListStatus('');
      refreshProjects().catch(() => {});
    } else if (store === state.store) {
      setListStatus(`The tasks could not be loaded: ${e.message}`, true);
    }
    throw e;
  } finally {
    clearTimeout(slow);
  }
}

function sameFilter(a, b) {
  return a.view === b.view && a.tag === b.tag && a.q === b.q && scopeOf(a) === scopeOf(b);
}

function setListStatus(text, retry = false) {
  const status = $('#list-status');
  replaceChildren(status, text, retry ? ' ' : null, retry ? h('button', {
    type: 'button', class: 'link', onclick: () => load(false).catch(() => {}),
  }, 'Try again') : null);
}

let renderQueued = false;

function scheduleRender() {
  if (!renderQueued) {
    renderQueued = true;
    queueMicrotask(() => {
      renderQueued = false;
      render();
    });
  }
}

let shownTags = null;

function render() {
  if (!state.user) {
    return;
  }
  const filter = state.filter;
  const tasks = grouped(state.store.matching(filter), state.collapsed);
  const scope = scopeOf(filter);
  list.render(tasks, Date.now(), {
    counts: state.store.subtaskCounts(), collapsed: state.collapsed,
    reorder: Boolean(VIEWS[filter.view].reorder) && canWrite(projectOf(scope)),
    readOnly: task => !canWrite(projectOf(task.projectId)),
    // every project in one list: each task says which it is in (the Inbox goes without saying)
    project: scope ? () => null : task => {
      const project = projectOf(task.projectId);
      return project && !project.inbox ? project.name : null;
    },
  });
  $('#view-count').textContent = tasks.length === 1 ? '1 task' : `${tasks.length} tasks`;
  const empty = state.loaded && tasks.length === 0;
  $('#empty').hidden = !empty;
  if (empty) {
    $('#empty-text').textContent = filter.q || filter.tag ? 'No task matches.' : VIEWS[filter.view].empty;
  }
  $('#list-more').hidden = !state.more;
  $('#list-more').textContent = 'Showing the first 1,000 tasks: search or pick a tag to see the others.';
  const tags = state.store.tags();
  if (tags.join('\n') !== shownTags) {
    shownTags = tags.join('\n');
    replaceChildren($('#tag-list'), tags.map(tag => h('li', {}, h('button', {
      type: 'button', class: 'tag-filter', 'aria-pressed': String(filter.tag === tag), dataset: { tag },
      onclick: () => setTag(filter.tag === tag ? null : tag),
    }, '#', tag))));
  }
  $$('#tag-list .tag-filter').forEach(button => button.setAttribute('aria-pressed', String(button.dataset.tag === filter.tag)));
}

function selectView(view, reload = true) {
  state.filter.view = view;
  state.more = false;
  $$('#views .view').forEach(button => button.setAttribute('aria-pressed', String(button.dataset.view === view)));
  $('#view-title').textContent = VIEWS[view].title;
  showScope();
  render();
  if (reload) {
    load(false).catch(() => {});
  }
}

// ---- projects ----

const projectAddress = id => `tasks.project.${id}`;

function projectOf(id) {
  return (id && state.projects.find(p => p.id === id)) || null;
}

/** A project of another account, shared with this user: its events are not in this user's sequence. */
function foreign(project) {
  return Boolean(state.user) && project.ownerId !== state.user.id;
}

let projectsLoading = null;
let projectsAgain = false;
// projects dropped by an event, by when (a count): an answer to a request sent before that still lists them is stale
let drops = 0;
const dropped = new Map();

/** GET /projects, and the tab follows the answer; a call while one runs gets one more run after it. */
function refreshProjects() {
  if (projectsLoading) {
    projectsAgain = true;
    return projectsLoading;
  }
  const user = state.user;
  projectsLoading = (async () => {
    try {
      do {
        projectsAgain = false;
        const asked = drops;
        const { items } = await api.get('/projects');
        if (state.user !== user) {
          return;
        }
        setProjects(items.filter(p => !((dropped.get(p.id) || 0) > asked)));
      } while (projectsAgain);
    } finally {
      projectsLoading = null;
    }
  })();
  return projectsLoading;
}

/**
 * The user's projects are now these: the tab follows each one's address, forgets (with their tasks) those no longer
 * listed, and loads the tasks of those new to it (a membership that began while the tab was open).
 */
function setProjects(items) {
  const before = state.projectsKnown ? new Set(state.projects.map(p => p.id)) : null;
  const ids = new Set(items.map(p => p.id));
  const lost = state.projects.filter(p => !ids.has(p.id));
  state.projects = items;
  state.projectsKnown = true;
  const inbox = items.find(p => p.inbox && !foreign(p)) || null;
  state.filter.inbox = inbox ? inbox.id : null;
  lost.forEach(p => state.live && state.live.unfollow(projectAddress(p.id)));
  items.forEach(p => state.live && state.live.follow(projectAddress(p.id)));
  state.store.setProjects(ids);
  let reload = false;
  if (state.filter.project && !ids.has(state.filter.project)) {
    const gone = lost.find(p => p.id === state.filter.project);
    toasts.info(gone ? `“${gone.name}” is no longer one of your projects.` : 'That project is no longer one of yours.');
    state.filter.project = null;
    reload = true;
  }
  lost.forEach(p => shareDialog.closeFor(p.id));
  items.forEach(p => shareDialog.update(p));
  projectsView.render(items, state.filter.project);
  showScope();
  render();
  if (reload) {
    // the list shows all projects now
    load(false).catch(() => {});
  } else if (before) {
    const added = items.filter(p => !before.has(p.id));
    if (added.length) {
      loadProjectTasks(added.map(p => p.id)).catch(() => {});
    }
  }
}

/** The tasks of projects new to this tab, as the current view shows them, merged in. */
async function loadProjectTasks(ids) {
  const store = state.store;
  const scope = scopeOf(state.filter);
  for (const id of ids) {
    if (scope && scope !== id) {
      continue;
    }
    const { items } = await api.all('/tasks', { ...listParams(state.filter), projectId: id });
    if (store !== state.store) {
      return;
    }
    store.merge(items);
    scheduleRender();
  }
}

/** A project is gone for this user (deleted, or the user removed or left): it and its tasks leave the view now. */
function dropProject(id, why) {
  const project = projectOf(id);
  if (!project) {
    return;
  }
  dropped.set(id, ++drops);
  const selected = state.filter.project === id;
  if (selected) {
    state.filter.project = null;
  }
  setProjects(state.projects.filter(p => p.id !== id));
  if (why) {
    toasts.info(why(project.name));
  }
  if (selected) {
    load(false).catch(() => {});
  }
  refreshProjects().catch(() => {});
}

/**
 * A project event: a deletion, or this user's removal, takes effect at once; anything else (a member added, a role
 * changed, a new name) is what GET /projects says next, as the events carry no caller's role or member count.
 */
function applyProjectEvent(event) {
  const data = event.data || {};
  const project = data.project || {};
  const member = data.member || null;
  const me = state.user && state.user.id;
  if (event.type === 'taskflow.project.deleted') {
    dropProject(project.id, name => `“${name}” was deleted.`);
    return;
  }
  if (event.type === 'taskflow.project.member.removed' && member && member.userId === me) {
    dropProject(project.id, name => `You are no longer a member of “${name}”.`);
    return;
  }
  if (event.type === 'taskflow.project.updated' && projectOf(project.id) && project.name) {
    const known = projectOf(project.id);
    if (!(known.version >= project.version)) {
      setProjects(state.projects.map(p => (p.id === project.id ? { ...p, name: project.name, version: project.version } : p)));
    }
  }
  refreshProjects().catch(() => {});
}

function selectProject(id, reload = true) {
  state.filter.project = id && projectOf(id) ? id : null;
  state.more = false;
  projectsView.render(state.projects, state.filter.project);
  showScope();
  render();
  if (reload) {
    load(false).catch(() => {});
  }
}

/** The heading says which project the list is of; a viewer's project gets a note instead of the quick add. */
function showScope() {
  const scope = scopeOf(state.filter);
  const project = projectOf(scope);
  $('#view-project').textContent = project ? project.name : state.filter.project ? '' : 'All projects';
  const writable = canWrite(project);
  $('#quick-add').hidden = !writable;
  $('#read-only-note').hidden = writable;
  $('#read-only-note').textContent = writable ? ''
    : `You can view “${project.name}” but not change it: ${project.ownerName || 'its owner'} shared it with you as a viewer.`;
  if (!writable) {
    quickPreview.clear();
  }
}

function createProject() {
  projectDialog.open({
    title: 'New project', ok: 'Create',
    submit: async name => {
      const project = await api.post('/projects', { name });
      setProjects([...state.projects.filter(p => p.id !== project.id), project]);
      selectProject(project.id);
      refreshProjects().catch(() => {});
    },
  });
}

function renameProject(project) {
  projectDialog.open({
    title: `Rename “${project.name}”`, ok: 'Rename', name: project.name,
    submit: async name => {
      const renamed = await api.call('PATCH', `/projects/${project.id}`, { body: { name } }).then(r => r.body);
      setProjects(state.projects.map(p => (p.id === project.id ? { ...p, ...renamed } : p)));
      refreshProjects().catch(() => {});
    },
  });
}

/** Deletes an empty project; the API's reason (its tasks, or the Inbox) is shown when it says no. */
async function deleteProject(project) {
  const confirmed = await dialogs.confirm({
    title: `Delete “${project.name}”?`,
    text: isSharedText(project),
    ok: 'Delete',
  });
  if (!confirmed) {
    return;
  }
  try {
    await api.del(`/projects/${project.id}`);
  } catch (e) {
    if (e.status !== 404) {
      toasts.error(e.message);
      return;
    }
  }
  dropProject(project.id, name => `Deleted “${name}”.`);
}

function isSharedText(project) {
  const others = project.memberCount - 1;
  return others > 0 ? `It is shared with ${others === 1 ? '1 person' : `${others} people`}, who lose it too.`
    : 'An empty project goes; one with tasks stays until they are moved or deleted.';
}

function setTag(tag) {
  state.filter.tag = tag;
  $('#active-tag').hidden = !tag;
  $('#active-tag-name').textContent = tag ? `#${tag}` : '';
  render();
  load(false).catch(() => {});
}

// ---- actions ----

async function toggle(task, checkbox) {
  if (state.pending.has(task.id)) {
    checkbox.checked = task.status === 'completed';
    return;
  }
  state.pending.add(task.id);
  checkbox.setAttribute('aria-busy', 'true');
  const action = task.status === 'completed' ? 'reopen' : 'complete';
  try {
    const changed = await api.post(`/tasks/${task.id}/${action}`);
    applySnapshot(changed);
    if (action === 'complete') {
      toasts.info(`Completed “${task.title}”`, { label: 'Undo', run: () => undo(changed) });
    }
  } catch (e) {
    checkbox.checked = task.status === 'completed';
    toasts.error(e.message);
  } finally {
    state.pending.delete(task.id);
    checkbox.removeAttribute('aria-busy');
  }
}

async function undo(task) {
  try {
    applySnapshot(await api.post(`/tasks/${task.id}/reopen`));
  } catch (e) {
    toasts.error(e.message);
  }
}

async function remove(task) {
  const confirmed = await dialogs.confirm({
    title: 'Delete this task?',
    text: `“${task.title}” will be deleted, with its reminders. Its history stays.`,
    ok: 'Delete',
  });
  if (!confirmed) {
    return;
  }
  try {
    await api.del(`/tasks/${task.id}`);
  } catch (e) {
    if (e.status !== 404) {
      toasts.error(e.message);
      return;
    }
  }
  if (state.store.remove(task.id)) {
    scheduleRender();
  }
}

// ---- subtasks and manual order ----

let subtaskParent = null;

function openSubtaskDialog(task) {
  subtaskParent = task;
  $('#subtask-parent').textContent = `Under “${task.title}”`;
  $('#subtask-title').value = '';
  $('#subtask-error').textContent = '';
  dialogs.open($('#subtask-dialog'), $('#subtask-title'));
}

/** Adds one subtask and keeps the dialog open for the next; "Done" closes it. */
async function addSubtask(event) {
  event.preventDefault();
  const input = $('#subtask-title');
  const title = input.value.trim();
  if (!title || !subtaskParent) {
    input.focus();
    return;
  }
  try {
    const task = await api.post('/tasks', { title, parentId: subtaskParent.id });
    state.collapsed.delete(subtaskParent.id);
    applySnapshot(task);
    scheduleRender();
    input.value = '';
    $('#subtask-error').textContent = '';
    input.focus();
  } catch (e) {
    $('#subtask-error').textContent = e.message;
  }
}

function toggleCollapsed(task) {
  if (!state.collapsed.delete(task.id)) {
    state.collapsed.add(task.id);
  }
  render();
}

/** Moves a task right before or after a sibling; the answer (and the event, in other tabs) reorders the list. */
async function moveTask(task, { after = null, before = null }) {
  if (state.pending.has(task.id)) {
    return;
  }
  state.pending.add(task.id);
  try {
    applySnapshot(await api.post(`/tasks/${task.id}/move`, { after, before }));
  } catch (e) {
    toasts.error(`“${task.title}” could not be moved: ${e.message}`);
    load(true).catch(() => {});
  } finally {
    state.pending.delete(task.id);
  }
}

async function openById(id) {
  try {
    editor.openEdit(state.store.get(id) || await api.get(`/tasks/${id}`));
  } catch (e) {
    toasts.error(e.message);
  }
}

async function quickAdd(event) {
  event.preventDefault();
  const input = $('#quick-title');
  if (!input.value.trim()) {
    input.focus();
    return;
  }
  // what the preview shows is what is sent: dates, times, tags, priority and a repeat taken out of the title
  const parsed = quickPreview.current();
  if (!parsed.title) {
    quickPreview.update();
    input.focus();
    return;
  }
  const body = taskBody(parsed, state.filter.tag);
  const project = scopeOf(state.filter);
  if (project) {
    body.projectId = project;
  }
  try {
    const task = await api.post('/tasks', body);
    quickPreview.clear();
    applySnapshot(task);
    if (!state.store.matching(state.filter).some(t => t.id === task.id)) {
      toasts.info(`Added “${task.title}” to Open`);
    }
  } catch (e) {
    toasts.error(e.message);
  }
}

function wireShell() {
  quickPreview = new QuickAddPreview($('#quick-title'), $('#quick-preview'));
  $('#quick-add').addEventListener('submit', quickAdd);
  $('#new-task').addEventListener('click', () => {
    editor.openNew($('#quick-title').value.trim(), state.filter.tag, scopeOf(state.filter));
    quickPreview.clear();
  });
  $$('#views .view').forEach(button => button.addEventListener('click', () => selectView(button.dataset.view)));
  $('#clear-tag').addEventListener('click', () => {
    setTag(null);
    $('#search').focus();
  });
  let searchTimer = null;
  $('#search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      state.filter.q = $('#search').value.trim().slice(0, 200) || null;
      render();
      load(false).catch(() => {});
    }, 250);
  });
  $('#logout').addEventListener('click', async () => {
    state.logoutReason = '';
    state.loggingOut = true;
    // this browser stops getting the user's reminders by push: the next person to use it must not see them
    await notify.forgetDevice();
    try {
      await api.post('/auth/logout');
    } catch (e) {
      // signed out on the server already, or unreachable: this browser forgets the session either way
    }
    session.clear();
  });
  $('#who').addEventListener('click', () => account.open(state.user));
  $('#live-reconnect').addEventListener('click', () => state.live && state.live.retryNow());
  // "/" searches, "n" adds, when not typing somewhere
  document.addEventListener('keydown', event => {
    if (!state.user || event.ctrlKey || event.metaKey || event.altKey || $$('dialog[open]').length) {
      return;
    }
    const typing = event.target.closest('input, textarea, select, [contenteditable]');
    if (typing) {
      return;
    }
    if (event.key === '/') {
      event.preventDefault();
      $('#search').focus();
    } else if (event.key === 'n') {
      event.preventDefault();
      $('#quick-title').focus();
    }
  });
}

boot();
