// A project's members (GET /projects/{id}/members). Its owner adds someone by e-mail with a role, changes a role and
// removes a member; any other member sees the list and can leave. The project's account is always an owner and has
// no controls (the API would answer 409). Every error shown is the API's own detail.
import * as api from '../api.js';
import { $, h, replaceChildren } from '../dom.js';
import * as dialogs from './dialogs.js';

const ROLES = { owner: 'Owner', editor: 'Editor', viewer: 'Viewer' };

export class ShareDialog {
  /**
   * @param me () => the signed-in user's id
   * @param changed (projectId) => void: the members changed (the project's memberCount with them)
   * @param left (project) => void: the user left the project
   */
  constructor({ me, changed, left }) {
    Object.assign(this, { me, changed, left });
    this.dialog = $('#share-dialog');
    this.project = null;
    this.loads = 0;
    dialogs.wire(this.dialog);
    this.dialog.addEventListener('close', () => {
      this.project = null;
    });
    $('#share-form').addEventListener('submit', event => {
      event.preventDefault();
      this.add();
    });
    $('#share-leave').addEventListener('click', () => this.leave());
    $('#share-members').addEventListener('change', event => {
      const select = event.target.closest('select.member-role');
      if (select) {
        this.setRole(select.closest('.member').dataset.userId, select.value, select);
      }
    });
    $('#share-members').addEventListener('click', event => {
      const button = event.target.closest('button.member-remove');
      if (button) {
        this.remove(button.closest('.member').dataset.userId, button);
      }
    });
  }

  get owner() {
    return Boolean(this.project) && this.project.role === 'owner';
  }

  open(project) {
    this.show(project);
    $('#share-email').value = '';
    this.error('');
    replaceChildren($('#share-members'));
    dialogs.open(this.dialog, this.owner ? $('#share-email') : this.dialog.querySelector('[data-close]'));
    this.load();
  }

  /** The heading and what the caller's role allows. */
  show(project) {
    this.project = project;
    $('#share-title').textContent = project.role === 'owner' ? `Share “${project.name}”` : `Members of “${project.name}”`;
    $('#share-form').hidden = !this.owner;
    $('#share-role-hint').hidden = !this.owner;
    $('#share-leave').hidden = this.owner || project.ownerId === this.me();
  }

  /** The project shown changed (an event, or the list reloaded): newer facts, same dialog. */
  update(project) {
    if (this.project && project && project.id === this.project.id && this.dialog.open) {
      this.show(project);
      this.load();
    }
  }

  /** The project is gone for this user (deleted, or the user removed): nothing left to show. */
  closeFor(projectId) {
    if (this.project && this.project.id === projectId && this.dialog.open) {
      this.dialog.close();
    }
  }

  error(text) {
    $('#share-error').textContent = text;
  }

  async load() {
    const project = this.project;
    if (!project) {
      return;
    }
    const load = ++this.loads;
    const status = $('#share-status');
    const slow = setTimeout(() => {
      status.textContent = 'Loading…';
    }, 300);
    try {
      const { items } = await api.get(`/projects/${project.id}/members`);
      if (load !== this.loads || this.project !== project) {
        return;
      }
      status.textContent = items.length === 1 ? 'Only you so far.' : '';
      this.render(items);
    } catch (e) {
      if (load === this.loads) {
        status.textContent = `The members could not be loaded: ${e.message}`;
      }
    } finally {
      clearTimeout(slow);
    }
  }

  render(members) {
    const project = this.project;
    const me = this.me();
    replaceChildren($('#share-members'), members.map(member => {
      const name = member.displayName || member.email;
      const account = member.userId === project.ownerId;
      const controls = this.owner && !account;
      return h('li', { class: 'member', dataset: { userId: member.userId, role: member.role } },
        h('div', { class: 'member-who' },
          h('span', { class: 'member-name' }, name, member.userId === me ? ' (you)' : ''),
          member.displayName ? h('span', { class: 'hint member-email' }, member.email) : null),
        controls
          ? h('select', { class: 'member-role', 'aria-label': `Role of ${name}` },
            Object.entries(ROLES).filter(([role]) => role !== 'owner' || member.role === 'owner')
              .map(([role, label]) => h('option', { value: role, selected: role === member.role }, label)))
          : h('span', { class: 'badge role' }, ROLES[member.role] || member.role),
        controls ? h('button', {
          type: 'button', class: 'button ghost small member-remove', 'aria-label': `Remove ${name}`,
        }, 'Remove') : null);
    }));
  }

  async add() {
    const input = $('#share-email');
    const email = input.value.trim();
    if (!email || !input.checkValidity()) {
      this.error('Give the e-mail address of the person’s Taskflow account.');
      input.focus();
      return;
    }
    const project = this.project;
    $('#share-add').disabled = true;
    try {
      await api.post(`/projects/${project.id}/members`, { email, role: $('#share-role').value });
      input.value = '';
      this.error('');
      this.changed(project.id);
      await this.load();
      input.focus();
    } catch (e) {
      this.error(e.message);
      input.focus();
    } finally {
      $('#share-add').disabled = false;
    }
  }

  async setRole(userId, role, select) {
    const project = this.project;
    select.disabled = true;
    try {
      await api.call('PATCH', `/projects/${project.id}/members/${userId}`, { body: { role } });
      this.error('');
      this.changed(project.id);
    } catch (e) {
      this.error(e.message);
    } finally {
      select.disabled = false;
      this.load();
    }
  }

  async remove(userId, button) {
    const project = this.project;
    button.disabled = true;
    try {
      await api.del(`/projects/${project.id}/members/${userId}`);
      this.error('');
      this.changed(project.id);
    } catch (e) {
      if (e.status !== 404) {
        this.error(e.message);
      }
    } finally {
      this.load();
    }
  }

  async leave() {
    const project = this.project;
    const confirmed = await dialogs.confirm({
      title: `Leave “${project.name}”?`,
      text: `Its tasks leave your lists. Only its owner, ${project.ownerName || 'who shared it'}, can add you again.`,
      ok: 'Leave',
    });
    if (!confirmed || this.project !== project) {
      return;
    }
    try {
      await api.del(`/projects/${project.id}/members/${this.me()}`);
    } catch (e) {
      if (e.status !== 404) {
        this.error(e.message);
        return;
      }
    }
    if (this.dialog.open) {
      this.dialog.close();
    }
    this.left(project);
  }
}
