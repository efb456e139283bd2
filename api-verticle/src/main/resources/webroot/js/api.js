// The HTTP API (/api/v1). Errors are application/problem+json; ApiError carries the server's detail for the user.
import * as session from './session.js';

export class ApiError extends Error {
  constructor(status, detail, problem) {
    super(detail);
    this.status = status;
    this.problem = problem;
  }
}

/** Called when the server says the token is no longer good (401) and it could not be renewed. */
let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * One request; on a 401 the token is renewed (session.renew) and the request sent once more. Resolves with {status, body, etag}; rejects with an ApiError whose message is the problem's detail (or
 * a sentence about the network when there was no answer).
 */
export async function call(method, path, options = {}) {
  try {
    return await attempt(method, path, options);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401 || options.auth === false) {
      throw e;
    }
    // the access token ran out (or its session ended): renew it once and try again
    let renewed = null;
    try {
      renewed = await session.renew(e.token);
    } catch (unreachable) {
      throw e;
    }
    if (!renewed) {
      onUnauthorized(e.message);
      throw e;
    }
    try {
      return await attempt(method, path, options);
    } catch (again) {
      if (again instanceof ApiError && again.status === 401) {
        onUnauthorized(again.message);
      }
      throw again;
    }
  }
}

async function attempt(method, path, { body, headers = {}, auth = true, contentType = 'application/json' } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  let token = null;
  if (auth) {
    const current = session.current();
    if (current) {
      token = current.token;
      init.headers.Authorization = 'Bearer ' + token;
    }
  }
  if (body !== undefined) {
    init.headers['Content-Type'] = contentType;
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('/api/v1' + path, init);
  } catch (e) {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
  }
  if (!response.ok) {
    const detail = (data && (data.detail || data.title)) || `The server answered ${response.status}.`;
    const error = new ApiError(response.status, detail, data);
    error.token = token;
    throw error;
  }
  return { status: response.status, body: data, etag: response.headers.get('ETag') };
}

export const get = (path, options) => call('GET', path, options).then(r => r.body);
export const post = (path, body, options) => call('POST', path, { ...options, body }).then(r => r.body);
export const put = (path, body, options) => call('PUT', path, { ...options, body }).then(r => r.body);
export const del = (path, options) => call('DELETE', path, options).then(r => r.body);

/** A merge patch that only applies to the version the user saw (412 when someone changed it since). */
export function patch(path, body, version) {
  return call('PATCH', path, {
    body, contentType: 'application/merge-patch+json', headers: { 'If-Match': `"${version}"` },
  }).then(r => r.body);
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value != null && value !== '') {
      search.set(key, value);
    }
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

/** Every page of a list endpoint ({items, nextCursor}), up to max items. Resolves {items, more}. */
export async function all(path, params, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path + query({ ...params, limit: 200, cursor }));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return { items, more: Boolean(cursor) };
}
