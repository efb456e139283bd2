// The user's projects: a list in the sidebar (a select at phone width, where a list would push the tasks off the
// screen), the bar above the tasks with the selected project's actions, and the dialog that names a project.
// Selecting a project only filters; what a project allows (the caller's role) is said here and enforced by the API.
import { $, h, icon, replaceChildren } from '../dom.js';
import * as dialogs from './dialogs.js';

/** Shared: someone besides its account is a member, or it is another account's project shared with this user. */
export function isShared(project) {
  return project.memberCount > 1 || project.role !== 'owner';
}

/** May the caller change this project's tasks (the API answers a viewer's writes with 403 anyway). */
export function canWrite(project) {
  return !project || project.role !== 'viewer';
}

export class ProjectsView {
  /**
   * @param actions {select(id or null), create(), rename(project), remove(project), share(project)}
   */
  constructor(actions) {
    this.actions = actions;
    this.projects = [];
    this.selected = null;
    $('#project-list').addEventListener('click', event => {
      const button = event.target.closest('button.project');
      if (button) {
        actions.select(button.dataset.projectId || null);
      }
    });
    $('#project-select').addEventListener('change', event => actions.select(event.target.value || null));
    $('#project-new').addEventListener('click', () => actions.create());
    $('#project-share').addEventListener('click', () => this.current() && actions.share(this.current()));
    $('#project-rename').addEventListener('click', () => this.current() && actions.rename(this.current()));
    $('#project-delete').addEventListener('click', () => this.current() && actions.remove(this.current()));
  }

  current() {
    return this.projects.find(p => p.id === this.selected) || null;
  }

  /** projects: as GET /projects lists them (Inbox first); selected: an id, or null for "All projects". */
  render(projects, selected) {
    this.projects = projects;
    this.selected = selected;
    const entries = [{ id: '', name: 'All projects', all: true }, ...projects];
    replaceChildren($('#project-list'), entries.map(project => h('li', {},
      h('button', {
        type: 'button', class: 'project', 'aria-pressed': String((project.id || null) === selected),
        dataset: { projectId: project.id, shared: String(!project.all && isShared(project)) },
      },
      icon(project.all ? 'layers' : project.inbox ? 'inbox' : 'folder'),
      h('span', { class: 'project-name' }, project.name),
      !project.all && isShared(project) ? h('span', { class: 'shared-mark', title: sharedTitle(project) },
        icon('users'), h('span', { class: 'visually-hidden' }, `, ${sharedTitle(project)}`)) : null,
      !project.all && project.role === 'viewer' ? h('span', { class: 'visually-hidden' }, ', view only') : null))));
    const select = $('#project-select');
    replaceChildren(select, entries.map(project => h('option', { value: project.id, selected: (project.id || null) === selected },
      project.name, !project.all && isShared(project) ? ' · shared' : '')));
    select.value = selected || '';
    this.renderBar();
  }

  /** The selected project's note (who shares it, the caller's role) and the actions its owner has. */
  renderBar() {
    const project = this.current();
    $('#project-bar').hidden = !project;
    if (!project) {
      return;
    }
    const owner = project.role === 'owner';
    $('#project-share').textContent = owner ? 'Share…' : 'Members…';
    $('#project-rename').hidden = !owner;
    $('#project-delete').hidden = !owner;
    $('#project-note').textContent = noteOf(project);
  }
}

function sharedTitle(project) {
  if (project.role !== 'owner') {
    return `shared with you by ${project.ownerName || 'its owner'}`;
  }
  const others = project.memberCount - 1;
  return others === 1 ? 'shared with 1 person' : `shared with ${others} people`;
}

function noteOf(project) {
  if (project.role === 'owner') {
    if (project.inbox) {
      return 'Your Inbox: new tasks go here unless you pick a project.';
    }
    return isShared(project) ? `Yours, ${sharedTitle(project)}.` : 'Yours, not shared.';
  }
  const role = project.role === 'viewer' ? 'a viewer: you can see its tasks, not change them'
    : `an ${project.role}: you can add and change its tasks`;
  return `Shared with you by ${project.ownerName || 'its owner'} as ${role}.`;
}

/** The small dialog that asks for a project's name; submit(name) runs the request and its error stays in the dialog. */
export class ProjectDialog {
  constructor() {
    this.dialog = $('#project-dialog');
    this.submit = null;
    dialogs.wire(this.dialog);
    $('#project-form').addEventListener('submit', event => {
      event.preventDefault();
      this.save();
    });
  }

  open({ title, ok, name = '', submit }) {
    this.submit = submit;
    $('#project-dialog-title').textContent = title;
    $('#project-save').textContent = ok;
    $('#project-name').value = name;
    $('#project-name').removeAttribute('aria-invalid');
    $('#project-error').textContent = '';
    dialogs.open(this.dialog, $('#project-name'));
    $('#project-name').select();
  }

  async save() {
    const input = $('#project-name');
    const name = input.value.trim();
    if (!name) {
      $('#project-error').textContent = 'Give the project a name.';
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    if (this.saving) {
      return;
    }
    this.saving = true;
    $('#project-save').disabled = true;
    try {
      await this.submit(name);
      this.dialog.close();
    } catch (e) {
      $('#project-error').textContent = e.message;
      input.focus();
    } finally {
      this.saving = false;
      $('#project-save').disabled = false;
    }
  }
}
