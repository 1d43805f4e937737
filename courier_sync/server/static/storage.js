// What the phone keeps between page loads, all in localStorage (synchronous: once a write
// returns, a reload or a killed browser cannot lose it).

const PREFIX = "dd.courier.";
const KEEP_DAYS_OF_LISTS = 7;

export function readJson(key, fallback) {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

/** Throws when the browser refuses to store (quota, private mode): callers must know. */
export function writeJson(key, value) {
  localStorage.setItem(PREFIX + key, JSON.stringify(value));
}

export function remove(key) {
  localStorage.removeItem(PREFIX + key);
}

/** The keys (without PREFIX) that start with `start`. */
export function storedKeys(start) {
  const found = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    if (key && key.startsWith(PREFIX + start)) found.push(key.slice(PREFIX.length));
  }
  return found;
}

export const session = {
  token: () => readJson("token", null),
  me: () => readJson("me", null),
  save(token, me) {
    writeJson("token", token);
    writeJson("me", me);
  },
  forgetToken() {
    remove("token");
  },
  /** Logout: the token and every cached client detail go; unsent actions (outbox) stay. */
  clear() {
    remove("token");
    remove("me");
    for (let i = localStorage.length - 1; i >= 0; i -= 1) {
      const key = localStorage.key(i);
      if (key && key.startsWith(PREFIX) && !key.startsWith(`${PREFIX}outbox.`)) {
        localStorage.removeItem(key);
      }
    }
  },
};

/** The last task list the service gave for a day: shown while the network is down. */
export const taskCache = {
  key: (courierId, date) => `tasks.${courierId}.${date}`,
  load(courierId, date) {
    return readJson(this.key(courierId, date), null);
  },
  save(courierId, date, list) {
    try {
      writeJson(this.key(courierId, date), list);
    } catch {
      this.prune(courierId, date, 0);
    }
    this.prune(courierId, date, KEEP_DAYS_OF_LISTS);
  },
  /** Drop cached lists more than `days` away from `date` (phones have little storage). */
  prune(courierId, date, days) {
    const mine = `${PREFIX}tasks.${courierId}.`;
    const keep = new Date(`${date}T00:00:00`).getTime();
    for (let i = localStorage.length - 1; i >= 0; i -= 1) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(PREFIX + "tasks.")) continue;
      const day = key.slice(key.lastIndexOf(".") + 1);
      const distance = Math.abs(new Date(`${day}T00:00:00`).getTime() - keep) / 86400000;
      if (!key.startsWith(mine) || !(distance <= days)) localStorage.removeItem(key);
    }
  },
};

/** What the courier reported per task (kept after sending: the day's cash and bottles). */
export const results = {
  key: (courierId) => `results.${courierId}`,
  all(courierId) {
    return readJson(this.key(courierId), {});
  },
  put(courierId, event) {
    const all = this.all(courierId);
    all[event.task_id] = { ...event, recorded: Date.now() };
    const cutoff = Date.now() - 3 * 86400000;
    for (const [taskId, entry] of Object.entries(all)) {
      if (entry.recorded < cutoff) delete all[taskId];
    }
    try {
      writeJson(this.key(courierId), all);
    } catch {
      /* a display aid only: losing it loses nothing the service does not hold */
    }
  },
};

/** Which version of each task the courier has acknowledged: a change notice shows until then. */
export const notices = {
  key: (courierId) => `seen.${courierId}`,
  all(courierId) {
    return readJson(this.key(courierId), {});
  },
  seen(courierId, taskId) {
    return this.all(courierId)[taskId] || 0;
  },
  acknowledge(courierId, taskId, version) {
    const all = this.all(courierId);
    all[taskId] = Math.max(all[taskId] || 0, version);
    try {
      writeJson(this.key(courierId), all);
    } catch {
      /* the notice shows again after a reload: nothing is lost */
    }
  },
};
