// The outbox: every courier action is stored here FIRST, then sent. It leaves the queue
// only on a definite answer from the service (200, or 404/409/422 that no retry can change).
// Offline, timeouts and 5xx keep it queued; it is retried with backoff, on the `online`
// event and whenever the service is seen alive again. The event_id is generated once, when
// the action is queued, so a retry can never apply the action twice.

import { AuthError, NetworkError, postEvent } from "./api.js";
import { readJson, remove, storedKeys, writeJson } from "./storage.js";

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30000;

export class Outbox {
  /**
   * @param {object} opts
   * @param {number} opts.courierId   queue owner (a queue survives logout/login of the same courier)
   * @param {() => string|null} opts.token
   * @param {() => void} opts.onChange                 the queue or its state changed
   * @param {(item, outcome) => void} opts.onSettled   outcome: {kind: "sent"|"duplicate"|"rejected", status?, detail?}
   * @param {(err: AuthError) => void} opts.onAuthError
   */
  constructor({ courierId, token, onChange, onSettled, onAuthError }) {
    this.key = `outbox.${courierId}`;
    this.token = token;
    this.onChange = onChange;
    this.onSettled = onSettled;
    this.onAuthError = onAuthError;
    this.flushing = false;
    this.failures = 0;
    this.timer = null;
    this.stopped = false;
    this.lastError = null;
    this._onOnline = () => this.retryNow();
    this._onStorage = (e) => {
      if (e.key && e.key.includes(this.key)) this.onChange();
    };
    window.addEventListener("online", this._onOnline);
    window.addEventListener("storage", this._onStorage);
  }

  /**
   * The queue, oldest first. Each item is a key of its own (`outbox.<courier>.<event_id>`):
   * two open tabs adding, sending and removing never rewrite each other's items, so none is
   * lost (one shared array would be read-modified-written by both).
   */
  items() {
    this._adoptLegacyList();
    const list = [];
    for (const key of storedKeys(`${this.key}.`)) {
      const item = readJson(key, null);
      if (item && item.event) list.push(item);
    }
    return list.sort((a, b) => a.queued_at - b.queued_at || (a.event.event_id < b.event.event_id ? -1 : 1));
  }

  _itemKey(eventId) {
    return `${this.key}.${eventId}`;
  }

  /** Queues stored by earlier versions as one array: split into one key per item. */
  _adoptLegacyList() {
    const legacy = readJson(this.key, null);
    if (!Array.isArray(legacy)) return;
    for (const item of legacy) {
      if (item && item.event) writeJson(this._itemKey(item.event.event_id), item);
    }
    remove(this.key);
  }

  /** The newest queued event of a task, or null. */
  pendingFor(taskId) {
    const mine = this.items().filter((item) => item.event.task_id === taskId);
    return mine.length ? mine[mine.length - 1] : null;
  }

  /** Store the event (throws if the phone cannot store it), then try to send. */
  add(event) {
    const item = { event, queued_at: Date.now(), attempts: 0 };
    writeJson(this._itemKey(event.event_id), item);
    this.onChange();
    this.retryNow();
    return item;
  }

  /** Forget the backoff and send now (network back, service seen alive, user asked). */
  retryNow() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.failures = 0;
    this.flush();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    window.removeEventListener("online", this._onOnline);
    window.removeEventListener("storage", this._onStorage);
  }

  _remove(eventId) {
    remove(this._itemKey(eventId));
  }

  _touch(eventId, error) {
    const item = readJson(this._itemKey(eventId), null);
    if (!item) return; // another tab sent it meanwhile
    item.attempts += 1;
    item.last_error = error;
    try {
      writeJson(this._itemKey(eventId), item);
    } catch {
      /* only the attempt count: the item itself is stored */
    }
  }

  async flush() {
    if (this.flushing || this.stopped) return;
    this.flushing = true;
    try {
      // Oldest first: per task, "accepted" must reach the service before "done".
      for (;;) {
        const token = this.token();
        const [item] = this.items();
        if (!item || !token || this.stopped) break;
        let outcome;
        try {
          const reply = await postEvent(token, item.event);
          outcome = { kind: reply && reply.applied === false ? "duplicate" : "sent" };
        } catch (err) {
          if (err instanceof AuthError) {
            this.lastError = "auth";
            this.onChange();
            this.onAuthError(err);
            return;
          }
          if (err instanceof NetworkError) {
            this._touch(item.event.event_id, err.message);
            this.lastError = err.message;
            this._scheduleRetry();
            this.onChange();
            return;
          }
          outcome = { kind: "rejected", status: err.status, detail: err.detail || err.message };
        }
        this._remove(item.event.event_id);
        this.failures = 0;
        this.lastError = null;
        this.onSettled(item, outcome);
        this.onChange();
      }
    } finally {
      this.flushing = false;
    }
  }

  _scheduleRetry() {
    this.failures += 1;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (this.failures - 1));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delay);
  }
}
