// Modal dialogs on <dialog>: showModal() keeps focus inside and closes on Escape; focus goes back where it was.
import { $ } from '../dom.js';

/**
 * Opens a dialog, focusing `focus` (or the first field). When it closes the browser puts focus back on the opener; the
 * close event (which comes a moment later) only steps in when that did not happen (the opener is gone), so it never
 * pulls focus back from where the user has already moved on.
 */
export function open(dialog, focus) {
  const opener = document.activeElement;
  dialog.addEventListener('close', () => {
    const active = document.activeElement;
    if (active && active !== document.body && !dialog.contains(active)) {
      return;
    }
    if (opener && opener.isConnected && typeof opener.focus === 'function') {
      opener.focus();
    } else {
      $('#main').focus();
    }
  }, { once: true });
  dialog.showModal();
  const target = focus || dialog.querySelector('input, select, textarea, button:not([data-close])');
  if (target) {
    target.focus();
  }
}

/** Every [data-close] button closes its dialog; a click on the backdrop does too. */
export function wire(dialog) {
  dialog.querySelectorAll('[data-close]').forEach(button => button.addEventListener('click', () => dialog.close()));
  dialog.addEventListener('click', event => {
    if (event.target === dialog) {
      dialog.close();
    }
  });
}

/**
 * Asks before doing something that cannot be undone; resolves true when confirmed. The answer comes from the button
 * itself, not from the dialog's (asynchronous) close event, so it never waits on the page being drawn.
 */
export function confirm({ title, text, ok = 'Delete' }) {
  const dialog = $('#confirm');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  $('#confirm-ok').textContent = ok;
  return new Promise(resolve => {
    const okButton = $('#confirm-ok');
    const cancel = $('#confirm-cancel');
    const finish = answer => {
      okButton.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('close', onCancel);
      if (dialog.open) {
        dialog.close();
      }
      resolve(answer);
    };
    const onOk = () => finish(true);
    const onCancel = () => finish(false);
    okButton.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('close', onCancel);
    open(dialog, cancel);
  });
}
