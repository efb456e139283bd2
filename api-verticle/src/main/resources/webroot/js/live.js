// The SockJS event-bus bridge: registers on the user's two addresses with the token in the register headers, and
// reconnects after a drop with exponential backoff and jitter (a fresh token from localStorage each time, so a login
// in another tab is picked up). States: 'connecting', 'live', 'offline' (waiting for the next attempt).

const BASE_MS = 1000;
const MAX_MS = 30_000;

export class Live {
  /**
   * @param session () => the current session or null (token expired or logged out)
   * @param onEvent (event, address) => void
   * @param onState (state, {retryAt, attempt}) => void
   * @param onOpen () => void: registered; time to catch up
   * @param onRefused () => void: the bridge refused the token
   */
  constructor({ session, onEvent, onState, onOpen, onRefused }) {
    Object.assign(this, { session, onEvent, onState, onOpen, onRefused });
    this.bus = null;
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
    if (bus) {
      try {
        bus.close();
      } catch (e) {
        // closing a socket that never opened
      }
    }
    this.setState('offline', {});
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
    const headers = () => ({ Authorization: 'Bearer ' + current.token });
    const bus = new window.EventBus('/eventbus', { vertxbus_ping_interval: 15_000 });
    this.bus = bus;
    bus.onopen = () => {
      if (this.bus !== bus) {
        return;
      }
      for (const address of [`tasks.user.${user}`, `notifications.user.${user}`]) {
        bus.registerHandler(address, headers(), (error, message) => {
          if (!error && this.bus === bus && message && message.body) {
            this.onEvent(message.body, address);
          }
        });
      }
      this.attempt = 0;
      this.setState('live', {});
      this.onOpen();
    };
    // a refused register comes back as an error frame without an address
    bus.onerror = frame => {
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
      this.scheduleRetry();
    };
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
