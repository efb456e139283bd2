// The SockJS event-bus bridge: registers on the user's two addresses with the token in the register headers, then on
// the address of every project the user is a member of (tasks.project.<id>: task events reach each member there), and
// reconnects after a drop with exponential backoff and jitter (a fresh token from localStorage each time, so a login
// in another tab is picked up). States: 'connecting', 'live', 'offline' (waiting for the next attempt).
//
// Which projects to follow is asked afresh on every connect (beforeFollow reloads the list), so a socket the bridge
// closed because a membership ended ('project_access_revoked') comes back registered on the current projects only.

const BASE_MS = 1000;
const MAX_MS = 30_000;

export class Live {
  /**
   * @param session () => the current session or null (token expired or logged out)
   * @param onEvent (event, address) => void
   * @param onState (state, {retryAt, attempt}) => void
   * @param onOpen () => void: registered; time to catch up
   * @param onRefused () => void: the bridge refused the token
   * @param beforeFollow () => Promise: after the user's own registers, before the followed addresses are: the moment
   *   to bring the followed set up to date (follow / unfollow); a rejection drops the connection (retried)
   */
  constructor({ session, onEvent, onState, onOpen, onRefused, beforeFollow = () => Promise.resolve() }) {
    Object.assign(this, { session, onEvent, onState, onOpen, onRefused, beforeFollow });
    this.bus = null;
    // the extra addresses (projects) to be registered on, and those registered on the current socket (address ->
    // handler, for the unregister)
    this.followed = new Set();
    this.registered = new Map();
    this.ready = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.running = false;
    this.state = 'offline';
    window.addEventListener('online', () => this.retryNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        this.retryNow();
      }
    });
  }

  start() {
    this.running = true;
    this.connect();
  }

  stop() {
    this.running = false;
    clearTimeout(this.retryTimer);
    const bus = this.bus;
    this.bus = null;
    this.ready = false;
    this.followed = new Set();
    if (bus) {
      try {
        bus.close();
      } catch (e) {
        // closing a socket that never opened
      }
    }
    this.setState('offline', {});
  }

  /** Listens on one more address: now when connected, else from the next connect on. */
  follow(address) {
    this.followed.add(address);
    if (this.ready && this.bus) {
      this.register(this.bus, address);
    }
  }

  /** Stops listening on an address (a project the user left or lost). */
  unfollow(address) {
    this.followed.delete(address);
    const handler = this.registered.get(address);
    this.registered.delete(address);
    if (handler && this.bus) {
      try {
        this.bus.unregisterHandler(address, this.headers(), handler);
      } catch (e) {
        // the socket is closing: nothing is registered any more
      }
    }
  }

  register(bus, address) {
    if (this.registered.has(address)) {
      return;
    }
    const handler = (error, message) => {
      if (!error && this.bus === bus && message && message.body) {
        this.onEvent(message.body, address);
      }
    };
    this.registered.set(address, handler);
    bus.registerHandler(address, this.headers(), handler);
  }

  /** Skips the wait when offline (the user asked, the network came back, the tab came to the front). */
  retryNow() {
    if (this.running && this.state === 'offline') {
      clearTimeout(this.retryTimer);
      this.connect();
    }
  }

  connect() {
    const current = this.session();
    if (!current) {
      this.onRefused();
      return;
    }
    this.setState('connecting', { attempt: this.attempt });
    const user = current.user.id;
    this.headers = () => ({ Authorization: 'Bearer ' + current.token });
    const bus = new window.EventBus('/eventbus', { vertxbus_ping_interval: 15_000 });
    this.bus = bus;
    this.ready = false;
    this.registered = new Map();
    bus.onopen = async () => {
      if (this.bus !== bus) {
        return;
      }
      // the user's own addresses first: a membership that begins while the projects load is heard of there
      this.register(bus, `tasks.user.${user}`);
      this.register(bus, `notifications.user.${user}`);
      try {
        await this.beforeFollow();
      } catch (e) {
        if (this.bus === bus) {
          this.drop(bus);
        }
        return;
      }
      if (this.bus !== bus) {
        return;
      }
      this.followed.forEach(address => this.register(bus, address));
      this.ready = true;
      this.attempt = 0;
      this.setState('live', {});
      this.onOpen();
    };
    // a refused register comes back as an error frame without an address; 'project_access_revoked' (a membership
    // ended) is followed by the bridge closing the socket, and onclose reconnects
    bus.onerror = frame => {
      if (this.bus === bus && frame && frame.body === 'project_access_revoked') {
        bus.revoked = true;
      }
      if (this.bus === bus && frame && (frame.body === 'rejected' || frame.body === 'access_denied')) {
        this.bus = null;
        try {
          bus.close();
        } catch (e) {
          // already closing
        }
        this.onRefused();
        this.scheduleRetry();
      }
    };
    bus.onclose = () => {
      if (this.bus !== bus) {
        return;
      }
      this.bus = null;
      this.ready = false;
      // closed by the bridge as a membership ended: nothing is wrong with the connection, so back at once (once in a
      // while: a bridge that kept doing it would get the usual backoff)
      if (bus.revoked && this.running && Date.now() - (this.lastQuick || 0) > 10_000) {
        this.lastQuick = Date.now();
        this.connect();
        return;
      }
      this.scheduleRetry();
    };
  }

  /** Gives up on this socket (it could not be set up) and tries again later. */
  drop(bus) {
    this.bus = null;
    this.ready = false;
    try {
      bus.close();
    } catch (e) {
      // already closing
    }
    this.scheduleRetry();
  }

  /** Equal jitter: half of the exponential step for sure, the other half at random, so tabs do not stampede. */
  scheduleRetry() {
    if (!this.running) {
      return;
    }
    const step = Math.min(MAX_MS, BASE_MS * 2 ** this.attempt);
    const delay = Math.round(step / 2 + Math.random() * step / 2);
    this.attempt += 1;
    const retryAt = Date.now() + delay;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.setState('offline', { retryAt, attempt: this.attempt });
  }

  setState(state, info) {
    this.state = state;
    this.onState(state, info);
  }
}
