// What was being typed in the task editor when the session ended (signed out elsewhere, the renewal refused), kept in
// this tab's sessionStorage and put back after the next sign-in of the same user, so no typed text is lost.

const KEY = 'taskflow.draft';

/** Remembers the editor's fields (by id) and which task it edited (null: a new one). */
export function keep(userId, taskId, form) {
  const fields = {};
  for (const field of form.querySelectorAll('input[id], textarea[id], select[id]')) {
    fields[field.id] = field.type === 'checkbox' || field.type === 'radio' ? { checked: field.checked }
      : { value: field.value };
  }
  sessionStorage.setItem(KEY, JSON.stringify({ userId, taskId, fields }));
}

/** The draft kept for this user (or null); it stays in storage until {@link discard} (after a successful restore). */
export function peek(userId) {
  let draft = null;
  try {
    draft = JSON.parse(sessionStorage.getItem(KEY));
  } catch (e) {
    draft = null;
  }
  if (!draft || draft.userId !== userId) {
    return null;
  }
  return draft;
}

/** Forgets the kept draft: it is back in the editor. */
export function discard() {
  sessionStorage.removeItem(KEY);
}

/** Puts a draft's values back into the (open) editor form, announcing each change as typing would. */
export function restore(draft, form) {
  for (const [id, saved] of Object.entries(draft.fields)) {
    const field = form.querySelector('#' + CSS.escape(id));
    if (!field) {
      continue;
    }
    if ('checked' in saved) {
      field.checked = saved.checked;
    } else {
      field.value = saved.value;
    }
    field.dispatchEvent(new Event('input', { bubbles: true }));
    field.dispatchEvent(new Event('change', { bubbles: true }));
  }
}
