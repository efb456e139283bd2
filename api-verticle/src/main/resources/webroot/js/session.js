// The login, kept in localStorage so every tab of this browser shares it; other tabs hear of changes by 'storage'.
//
// What is kept here is the short-lived access token only. The refresh token lives in an HttpOnly, SameSite=Strict
// cookie scoped to /api/v1/auth, which no script of this page can read (so an injected script cannot carry it off)
// and no other site can send; renew() trades it for a fresh access token (and the server rotates the cookie). Tabs
// renew one at a time (a Web Lock, where the browser has one: not on plain http to a LAN address). Without it two
// tabs may present the cookie at once; the server answers the second a plain 401 (a token spent a moment ago whose
// successor is unused), and that tab takes the token the other one saved.

const KEY = 'taskflow.session';
const LOCK = 'taskflow.renew';
const listeners = new Set();

/** {token, expiresAt, issuedAt, sessionId, user: {id, email, displayName}} or null. */
export function current() {
  try {
    const session = JSON.parse(localStorage.getItem(KEY));
    return session && session.token && session.user ? session : null;
  } catch (e) {
    return null;
  }
}

/** A session whose access token has not expired (a couple of seconds of slack), or null. */
export function valid() {
  const session = current();
  return session && Date.parse(session.expiresAt) - 2_000 > Date.now() ? session : null;
}

/** When to renew this session's token: a quarter of its life before it ends, at most a minute before. */
export function renewAt(session) {
  const expires = Date.parse(session.expiresAt);
  const life = expires - (session.issuedAt || Date.now());
  return expires - Math.min(60_000, Math.max(1_000, life / 4));
}

/**
 * Keeps what a sign-in or a renewal answered ({token, expiresIn, expiresAt, sessionId}) with the user. The expiry
 * kept is this browser's receive time plus the server's expiresIn, so a client clock that is off changes nothing.
 */
export function signedIn(answer, user) {
  const issuedAt = Date.now();
  const expiresAt = Number.isFinite(answer.expiresIn)
    ? new Date(issuedAt + answer.expiresIn * 1000).toISOString() : answer.expiresAt;
  save({ token: answer.token, expiresAt, sessionId: answer.sessionId, issuedAt, user });
}

export function save(session) {
  localStorage.setItem(KEY, JSON.stringify(session));
  listeners.forEach(listener => listener(session));
}

export function clear() {
  localStorage.removeItem(KEY);
  listeners.forEach(listener => listener(null));
}

/**
 * A fresh access token from the refresh cookie. `stale` is the token the caller found wanting (null: whatever is
 * kept now): when another tab renewed meanwhile, its token is taken instead of renewing again. Resolves with the
 * session, or null when the server refused (signed out elsewhere, expired, revoked: sign in again). Rejects only
 * when the server cannot be reached, so a network blip does not sign anyone out.
 */
export function renew(stale = null) {
  const run = () => renewNow(stale);
  return navigator.locks ? navigator.locks.request(LOCK, run) : run();
}

async function renewNow(stale) {
  const kept = current();
  if (!kept) {
    return null;
  }
  const staleToken = stale || kept.token;
  if (kept.token !== staleToken && valid()) {
    return kept; // another tab renewed it while this one waited for the lock
  }
  if (kept.token === staleToken && stale === null && Date.now() < renewAt(kept) && valid()) {
    return kept; // still fresh: a timer in another tab ran first
  }
  let response = await refreshRequest();
  if (response.status === 401) {
    // Another tab may have renewed with the same cookie a moment before (no Web Lock here): take what it saved, or,
    // once its answer has set the new cookie, renew with that.
    const newer = await newerThan(staleToken);
    if (newer) {
      return newer;
    }
    response = await refreshRequest();
  }
  if (!response.ok) {
    return newerThan(staleToken, 0);
  }
  const answer = await response.json();
  signedIn(answer, kept.user);
  return current();
}

/**
 * POST /auth/refresh. No timeout of its own: aborting a renewal the server already committed would lose the new
 * cookie, and the next renewal would present a spent token (a reuse, which ends the session).
 */
async function refreshRequest() {
  let response;
  try {
    response = await fetch('/api/v1/auth/refresh', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{}',
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new Error('The server cannot be reached.');
  }
  if (response.status >= 500) {
    throw new Error(`The server answered ${response.status}.`);
  }
  return response;
}

/** A valid session another tab saved in place of `token`, waiting up to `waitMs` for it; else null. */
async function newerThan(token, waitMs = 1_000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const kept = valid();
    if (kept && kept.token !== token) {
      return kept;
    }
    if (Date.now() >= deadline) {
      return null;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** Called with the new session (or null) when this tab or another one logs in, renews or logs out. */
export function onChange(listener) {
  listeners.add(listener);
}

window.addEventListener('storage', event => {
  if (event.key === KEY || event.key === null) {
    const session = current();
    listeners.forEach(listener => listener(session));
  }
});
