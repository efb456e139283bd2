// Log in and create an account. A new login goes to localStorage, where every tab of this browser finds it; its
// refresh token goes only into the server's HttpOnly cookie (refreshTokenIn: 'cookie'), see session.js.
import * as api from '../api.js';
import { $ } from '../dom.js';
import * as session from '../session.js';

export function wireAuth() {
  $('#show-register').addEventListener('click', () => show('register'));
  $('#show-login').addEventListener('click', () => show('login'));
  $('#login-form').addEventListener('submit', event => {
    event.preventDefault();
    submit('login', async () => {
      const email = $('#login-email').value.trim();
      const password = $('#login-password').value;
      if (!email || !password) {
        throw new Error('Enter your e-mail and password.');
      }
      const answer = await api.post('/auth/login', { email, password, refreshTokenIn: 'cookie' }, { auth: false });
      const user = await api.get('/me', { headers: { Authorization: 'Bearer ' + answer.token }, auth: false });
      session.signedIn(answer, user);
    });
  });
  $('#register-form').addEventListener('submit', event => {
    event.preventDefault();
    submit('register', async () => {
      const email = $('#register-email').value.trim();
      const password = $('#register-password').value;
      const displayName = $('#register-name').value.trim();
      if (!email || !password) {
        throw new Error('Enter an e-mail and a password.');
      }
      if (password.length < 8) {
        throw new Error('The password needs at least 8 characters.');
      }
      const body = { email, password, refreshTokenIn: 'cookie' };
      if (displayName) {
        body.displayName = displayName;
      }
      const answer = await api.post('/auth/register', body, { auth: false });
      session.signedIn(answer, answer.user);
    });
  });
}

/** Shows the log-in screen, with a reason when there is one (an expired session). */
export function showAuth(message = '') {
  $('#shell').hidden = true;
  $('#auth').hidden = false;
  show('login');
  $('#login-error').textContent = message;
  $('#login-password').value = '';
  $('#register-password').value = '';
}

function show(which) {
  $('#login-form').hidden = which !== 'login';
  $('#register-form').hidden = which !== 'register';
  $(which === 'login' ? '#login-email' : '#register-name').focus();
}

async function submit(which, action) {
  const form = $(`#${which}-form`);
  const button = form.querySelector('button[type=submit]');
  const error = $(`#${which}-error`);
  error.textContent = '';
  button.disabled = true;
  try {
    await action();
  } catch (e) {
    error.textContent = e.message;
  } finally {
    button.disabled = false;
  }
}
