// The login, kept in localStorage so every tab of this browser shares it; other tabs hear of changes by 'storage'.

const KEY = 'taskflow.session';
const listeners = new Set();

/** {token, expiresAt, user: {id, email, displayName}} or null. */
export function current() {
  try {
    const session = JSON.parse(localStorage.getItem(KEY));
    return session && session.token && session.user ? session : null;
  } catch (e) {
    return null;
  }
}

/** A session that has not expired (a minute of slack for clocks), or null. */
export function valid() {
  const session = current();
  return session && Date.parse(session.expiresAt) - 60_000 > Date.now() ? session : null;
}

export function save(session) {
  localStorage.setItem(KEY, JSON.stringify(session));
  listeners.forEach(listener => listener(session));
}

export function clear() {
  localStorage.removeItem(KEY);
  listeners.forEach(listener => listener(null));
}

/** Called with the new session (or null) when this tab or another one logs in or out. */
export function onChange(listener) {
  listeners.add(listener);
}

window.addEventListener('storage', event => {
  if (event.key === KEY || event.key === null) {
    const session = current();
    listeners.forEach(listener => listener(session));
  }
});
