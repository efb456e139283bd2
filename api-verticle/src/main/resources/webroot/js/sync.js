// Merges the live stream with the history by the user's sequence, so every change is applied once, in order, and
// nothing is missed across a reconnect (or a server restart).
//
// Every event of a user carries `sequence`: per user, gapless, increasing (task events on tasks.user.<id>, reminders on
// notifications.user.<id>). The last one applied is `lastSeq`. On every (re)connect the live handlers are registered
// first, then the events after lastSeq are fetched (GET /events?afterSequence=N) and merged with whatever arrives live
// meanwhile: an event ahead of lastSeq + 1 waits in a buffer until the ones before it come, from either side. A gap
// that stays (the history is written by another service, a moment after the live fan-out) is looked up again with
// growing pauses, and in the end closed by reloading the list. Before the first event is seen there is no lastSeq:
// the list loaded after registering is the state, and the first task event sets lastSeq.

export const REMINDER = 'taskflow.reminder.triggered';
const GAP_WAITS_MS = [150, 400, 1000, 2000, 4000, 8000];
const SETTLE_MS = [1000, 4000];
const MAX_CATCH_UP = 5000;

export class Sync {
  /**
   * @param fetchEvents (afterSequence) => Promise<{items, nextCursor}>
   * @param apply (event, origin: 'live' | 'history' | 'resync') => void
   * @param reload () => Promise: loads the list afresh (the state as it is now)
   */
  constructor({ fetchEvents, apply, reload }) {
    this.fetchEvents = fetchEvents;
    this.applyEvent = apply;
    this.reload = reload;
    this.lastSeq = null;
    this.buffer = new Map();
    this.fetching = null;
    this.resyncing = null;
    this.gapTimer = null;
    this.gapAttempt = 0;
    this.settleTimers = [];
  }

  /** An event from the bridge. */
  receive(event) {
    const seq = Number(event.sequence);
    if (!Number.isSafeInteger(seq)) {
      this.applyEvent(event, 'live');
      return;
    }
    if (this.resyncing) {
      this.buffer.set(seq, event);
      return;
    }
    if (this.lastSeq === null) {
      this.applyEvent(event, 'live');
      if (event.type !== REMINDER) {
        this.lastSeq = seq;
        this.drain('live');
      }
      return;
    }
    if (seq <= this.lastSeq) {
      return;
    }
    this.buffer.set(seq, event);
    this.drain('live');
    if (this.buffer.size > 0) {
      this.scheduleGapFill();
    }
  }

  /** After every (re)connect, once the handlers are registered. */
  async resume() {
    this.cancelTimers();
    if (this.lastSeq === null) {
      await this.resync();
      return;
    }
    try {
      await this.catchUp();
    } catch (e) {
      await this.resync();
      return;
    }
    // the history is written by the audit service a moment after the event: look again shortly
    this.settleTimers = SETTLE_MS.map(ms => setTimeout(() => this.catchUp().catch(() => {}), ms));
  }

  /** Fetches and applies every event after lastSeq that the history has. */
  catchUp() {
    if (this.lastSeq === null || this.resyncing) {
      return Promise.resolve();
    }
    if (this.fetching) {
      return this.fetching;
    }
    this.fetching = (async () => {
      let after = this.lastSeq;
      let count = 0;
      for (;;) {
        const page = await this.fetchEvents(after);
        for (const event of page.items) {
          const seq = Number(event.sequence);
          if (seq > this.lastSeq) {
            this.buffer.set(seq, event);
          }
        }
        this.drain('history');
        count += page.items.length;
        if (!page.nextCursor || page.items.length === 0) {
          break;
        }
        after = Number(page.items[page.items.length - 1].sequence);
        if (count > MAX_CATCH_UP) {
          // so far behind that the list itself is quicker
          this.fetching = null;
          await this.resync();
          return;
        }
      }
    })().finally(() => {
      this.fetching = null;
      if (this.buffer.size > 0 && !this.resyncing) {
        this.scheduleGapFill();
      }
    });
    return this.fetching;
  }

  /** Reloads the list (the state as it is now), then applies what arrived meanwhile; its newest sets lastSeq. */
  resync() {
    if (this.resyncing) {
      return this.resyncing;
    }
    this.cancelTimers();
    this.resyncing = (async () => {
      try {
        await this.reload();
      } finally {
        this.resyncing = null;
      }
      const pending = Array.from(this.buffer.entries()).sort((a, b) => a[0] - b[0]);
      this.buffer.clear();
      for (const [seq, event] of pending) {
        if (this.lastSeq === null || seq > this.lastSeq) {
          this.applyEvent(event, 'resync');
          if (event.type !== REMINDER || this.lastSeq !== null) {
            this.lastSeq = Math.max(this.lastSeq ?? 0, seq);
          }
        }
      }
    })();
    return this.resyncing;
  }

  /** Applies buffered events while the next one in sequence is there. */
  drain(origin) {
    while (this.buffer.has(this.lastSeq + 1)) {
      const event = this.buffer.get(this.lastSeq + 1);
      this.buffer.delete(this.lastSeq + 1);
      this.lastSeq += 1;
      this.applyEvent(event, origin);
    }
    for (const seq of this.buffer.keys()) {
      if (seq <= this.lastSeq) {
        this.buffer.delete(seq);
      }
    }
    if (this.buffer.size === 0) {
      this.gapAttempt = 0;
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
  }

  /** A gap before the buffered events: give the missing ones a moment, then ask the history, then reload. */
  scheduleGapFill() {
    if (this.gapTimer || this.fetching) {
      return;
    }
    if (this.gapAttempt >= GAP_WAITS_MS.length) {
      this.gapAttempt = 0;
      this.resync().catch(() => {});
      return;
    }
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      this.gapAttempt += 1;
      this.catchUp().catch(() => this.scheduleGapFill());
    }, GAP_WAITS_MS[this.gapAttempt]);
  }

  cancelTimers() {
    this.settleTimers.forEach(clearTimeout);
    this.settleTimers = [];
    clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.gapAttempt = 0;
  }

  /** On log out. */
  reset() {
    this.cancelTimers();
    this.lastSeq = null;
    this.buffer.clear();
  }
}
