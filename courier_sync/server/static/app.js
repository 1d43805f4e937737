// The courier's phone app: log in with the device token, see the day's route, report each
// delivery. Reads like the screen: state -> render; network work lives in api.js/outbox.js.

import {
  AuthError,
  NetworkError,
  RejectedError,
  fetchMe,
  renewToken,
  fetchTasks,
  pairDevice,
  waitForChanges,
} from "./api.js";
import {
  addDays,
  dayHeading,
  formatClock,
  formatDay,
  formatPhone,
  formatRub,
  formatWindow,
  geoHref,
  isoDate,
  isoNowWithOffset,
  kopToInput,
  newEventId,
  parseRub,
  plural,
  telHref,
} from "./format.js";
import { Outbox } from "./outbox.js";
import {
  codeFromLink,
  displayCode,
  normalizeCode,
  refusalText,
  signedOutText,
  texts as pairTexts,
  translateSignIn,
} from "./pairing.js";
import { notices, results, session, taskCache } from "./storage.js";

const LONG_POLL_WAIT_S = 25;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 20000;
const MAX_COLLECTED_KOP = 10 ** 12; // the contract's bound

// ---------------------------------------------------------------------------- icons
// Trusted constants (never data): inserted as markup.
const ICONS = {
  phone:
    '<path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.24 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"/>',
  nav: '<path d="M12 2a7 7 0 0 0-7 7c0 5.25 7 13 7 13s7-7.75 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z"/>',
  clock:
    '<path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 10.4 3.3 3.3-1.4 1.4L11 13.2V6h2z"/>',
  warn: '<path d="M1 21h22L12 2zm12-3h-2v-2h2zm0-4h-2v-4h2z"/>',
  check: '<path d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z"/>',
  cross:
    '<path d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z"/>',
  hourglass:
    '<path d="M6 2v6l4 4-4 4v6h12v-6l-4-4 4-4V2zm10 14.5V20H8v-3.5l4-4zm-4-5-4-4V4h8v3.5z"/>',
  offline:
    '<path d="M19.4 10A7.5 7.5 0 0 0 5.2 8L3.3 6.1 4.7 4.7l16 16-1.4 1.4-2-2H6a5 5 0 0 1-1.9-9.6L2 8.4zM8.2 11H6a3 3 0 0 0 0 6h9.2zM24 15a5 5 0 0 1-2.1 4.1l-1.4-1.4A3 3 0 0 0 19 12h-1.5v-.5a5.5 5.5 0 0 0-8.8-4.4L7.3 5.7A7.5 7.5 0 0 1 19.4 10 5 5 0 0 1 24 15z"/>',
  refresh:
    '<path d="M17.65 6.35A8 8 0 1 0 19.73 14h-2.08A6 6 0 1 1 12 6a5.9 5.9 0 0 1 4.22 1.78L13 11h7V4z"/>',
  logout:
    '<path d="M10 17v-3H3v-4h7V7l5 5zm9-14H11v2h8v14h-8v2h8a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2z"/>',
  left: '<path d="M15.4 7.4 14 6l-6 6 6 6 1.4-1.4L10.8 12z"/>',
  right: '<path d="M8.6 16.6 10 18l6-6-6-6-1.4 1.4 4.6 4.6z"/>',
  box: '<path d="M21 7.5 12 2 3 7.5v9L12 22l9-5.5zM12 4.3l6.2 3.8L12 11.8 5.8 8.1zM5 9.8l6 3.6v6.2l-6-3.7zm8 9.8v-6.2l6-3.6v6.1z"/>',
};

function icon(name, cls = "icon") {
  const span = document.createElement("span");
  span.className = cls;
  span.setAttribute("aria-hidden", "true");
  span.innerHTML = `<svg viewBox="0 0 24 24" width="24" height="24" fill="currentColor">${ICONS[name]}</svg>`;
  return span;
}

/** h("p", {class: "x"}, "text", child): DOM without innerHTML (task data is untrusted). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------- state
const state = {
  token: null,
  me: null, // {courier_id, name}
  date: isoDate(),
  followToday: true, // the date rolls over at midnight unless the courier picked a day
  list: null, // {date, revision, tasks, fetched_at}
  revision: 0,
  loading: false,
  loopProblem: null, // null | "offline" | "server"
  outbox: null,
  loopGen: 0,
  loopAbort: null,
  wake: null,
};

const STATUS_LABEL = {
  new: "Новая",
  accepted: "Принята",
  done: "Доставлено",
  failed: "Не доставлено",
  cancelled: "Отменено",
};

// ---------------------------------------------------------------------------- login
function showLogin(message = "") {
  stopSession();
  $("tasks-screen").hidden = true;
  $("login-screen").hidden = false;
  const error = $("login-error");
  error.textContent = message;
  error.hidden = !message;
  showPairError("");
  $("paste-button").hidden = !(navigator.clipboard && navigator.clipboard.readText);
}

function showPairError(message) {
  const error = $("pair-error");
  error.textContent = message;
  error.hidden = !message;
}

/**
 * Trade a one-time code (typed, or from a scanned #pair= link) for this phone's device token.
 * A phone that is already signed in keeps its session when the code is refused.
 */
async function pairWithCode(raw) {
  const code = normalizeCode(raw);
  const wasSignedIn = Boolean(session.token() && session.me());
  if (!code) {
    showPairError(pairTexts.malformed);
    return;
  }
  const button = $("pair-button");
  button.disabled = true;
  button.textContent = pairTexts.busy;
  showPairError("");
  let message = "";
  try {
    const reply = await pairDevice(code);
    const me = await fetchMe(reply.token);
    session.save(reply.token, signedIn(me));
    $("pair-code-input").value = "";
    stopSession();
    startSession();
    toast(pairTexts.paired);
    return;
  } catch (err) {
    if (err instanceof RejectedError && err.reason) {
      message = refusalText(err.reason, err.retryAfter, err.detail);
    } else if (err instanceof NetworkError) {
      message = pairTexts.offline;
    } else {
      message = pairTexts.server(err.message);
    }
  } finally {
    button.disabled = false;
    button.textContent = pairTexts.button;
  }
  if (wasSignedIn && $("login-screen").hidden) {
    toast(message, "bad");
    return;
  }
  showPairError(message);
  $("pair-code-input").focus();
}

async function login(rawToken) {
  const token = rawToken.trim();
  const error = $("login-error");
  const button = $("login-button");
  if (!token) {
    error.textContent = "Вставьте токен устройства.";
    error.hidden = false;
    return;
  }
  button.disabled = true;
  button.textContent = "Проверяем…";
  error.hidden = true;
  try {
    const me = await fetchMe(token);
    session.save(token, signedIn(me));
    $("token-input").value = "";
    startSession();
  } catch (err) {
    if (err instanceof AuthError) {
      error.textContent =
        "Токен не принят. Проверьте, что он скопирован целиком, или попросите новый у старшего смены.";
    } else if (err instanceof NetworkError) {
      error.textContent = "Нет связи с сервером. Проверьте интернет и попробуйте ещё раз.";
    } else {
      error.textContent = `Сервер ответил ошибкой: ${err.message}`;
    }
    error.hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = "Войти";
  }
}

function logout() {
  const queued = state.outbox ? state.outbox.items().length : 0;
  if (
    queued &&
    !window.confirm(
      `Не отправлено действий: ${queued}. Они останутся на телефоне и уйдут после входа с токеном этого экспедитора. Выйти?`,
    )
  ) {
    return;
  }
  session.clear();
  showLogin();
}

/**
 * The service stopped accepting the token: back to login, the queue is kept. An expired
 * sign-in (a phone unused past its token's life) says so and asks to pair again.
 */
function onAuthLost(err) {
  const queued = state.outbox ? state.outbox.items().length : 0;
  session.forgetToken();
  showLogin(signedOutText(err && err.reason, queued));
}

// ---------------------------------------------------------------------------- session
/** What the phone keeps of /courier/me: who, and when the token is to be renewed. */
function signedIn(me) {
  return {
    courier_id: me.courier_id,
    name: me.name ?? null,
    expires_at: me.expires_at ?? null,
    renew_after: me.renew_after ?? null,
  };
}

function startSession() {
  state.token = session.token();
  state.me = session.me();
  if (!state.token || !state.me) {
    showLogin();
    return;
  }
  $("login-screen").hidden = true;
  $("tasks-screen").hidden = false;
  state.outbox = new Outbox({
    courierId: state.me.courier_id,
    token: () => state.token,
    onChange: render,
    onSettled: onEventSettled,
    onAuthError: onAuthLost,
  });
  selectDate(state.date, state.followToday);
  state.outbox.retryNow();
}

/**
 * Past half of its life the device token is swapped for a fresh one, silently: a phone in
 * use never meets the expiry. Offline or refused, the old token goes on until it ends.
 */
let renewing = false;
async function renewIfDue() {
  if (renewing || !state.token || !state.me) return;
  renewing = true;
  try {
    if (!("renew_after" in state.me)) {
      // Signed in by an older page, which kept only the id and name: learn the token's dates.
      state.me = signedIn(await fetchMe(state.token));
      session.save(state.token, state.me);
    }
    if (!state.me.renew_after || Date.parse(state.me.renew_after) > Date.now()) return;
    const reply = await renewToken(state.token);
    const fresh = signedIn(await fetchMe(reply.token));
    session.save(reply.token, fresh);
    state.token = reply.token;
    state.me = fresh;
  } catch {
    /* tried again after the next refresh */
  } finally {
    renewing = false;
  }
}

function stopSession() {
  state.loopGen += 1;
  if (state.loopAbort) state.loopAbort.abort();
  if (state.wake) state.wake();
  if (state.outbox) state.outbox.stop();
  state.outbox = null;
  state.token = null;
  state.list = null;
}

function selectDate(date, followToday = false) {
  state.date = date;
  state.followToday = followToday;
  state.list = taskCache.load(state.me.courier_id, date);
  state.revision = state.list ? state.list.revision : 0;
  render();
  restartLoop();
}

// ---------------------------------------------------------------------------- sync loop
function restartLoop() {
  state.loopGen += 1;
  if (state.loopAbort) state.loopAbort.abort();
  if (state.wake) state.wake();
  syncLoop(state.loopGen);
}

function sleep(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      if (state.wake === done) state.wake = null;
      resolve();
    }
    state.wake = done;
  });
}

/** Fetch the list, then long-poll for changes; on any error keep the last list and retry. */
async function syncLoop(gen) {
  let failures = 0;
  let needTasks = true;
  while (gen === state.loopGen) {
    if (state.followToday && state.date !== isoDate()) {
      selectDate(isoDate(), true); // past midnight: the new day's route (restarts this loop)
      return;
    }
    try {
      if (needTasks) {
        await refreshTasks(gen);
        needTasks = false;
      }
      if (gen !== state.loopGen) return;
      const started = Date.now();
      state.loopAbort = new AbortController();
      const reply = await waitForChanges(
        state.token,
        state.revision,
        LONG_POLL_WAIT_S,
        state.loopAbort.signal,
      );
      if (gen !== state.loopGen) return;
      failures = 0;
      serviceSeenAlive();
      if (reply.revision !== state.revision) {
        needTasks = true;
      } else if (Date.now() - started < 1000) {
        await sleep(2000); // the service answered without waiting: do not spin
      }
    } catch (err) {
      if (gen !== state.loopGen) return;
      if (err instanceof AuthError) {
        onAuthLost(err);
        return;
      }
      state.loopProblem = err instanceof NetworkError && err.status ? "server" : "offline";
      render();
      needTasks = true;
      failures += 1;
      const ceiling = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failures - 1));
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
}

async function refreshTasks(gen) {
  const date = state.date;
  state.loading = true;
  try {
    const reply = await fetchTasks(state.token, date);
    if (gen !== state.loopGen || date !== state.date) return;
    state.list = {
      date,
      revision: reply.revision,
      tasks: reply.tasks || [],
      fetched_at: Date.now(),
    };
    state.revision = reply.revision;
    taskCache.save(state.me.courier_id, date, state.list);
    serviceSeenAlive();
    renewIfDue();
  } finally {
    state.loading = false;
  }
  render();
}

function serviceSeenAlive() {
  const wasDown = state.loopProblem !== null;
  state.loopProblem = null;
  if (state.outbox && state.outbox.items().length && (wasDown || state.outbox.lastError)) {
    state.outbox.retryNow();
  }
  if (wasDown) render();
}

// ---------------------------------------------------------------------------- actions
function report(task, kind, fields = {}) {
  const event = {
    event_id: newEventId(),
    task_id: task.task_id,
    kind,
    at: isoNowWithOffset(),
    collected_kop: null,
    bottles_returned: null,
    reason: null,
    proposed_time: null,
    complaint: null,
    ...fields,
  };
  state.outbox.add(event); // stored first (throws if the phone cannot store it), then sent
  results.put(state.me.courier_id, event);
  return event;
}

function onEventSettled(item, outcome) {
  const { event } = item;
  if (outcome.kind === "rejected") {
    const task = findTask(event.task_id);
    const where = task ? ` (${task.address?.text || task.client_name})` : "";
    const mark = `отметка «${STATUS_LABEL[event.kind]}» не принята${where}`;
    if (outcome.status === 409) {
      toast(`Задача отменена диспетчером — ${mark}.`, "warn");
    } else if (outcome.status === 404) {
      toast(`Задача не найдена на сервере — ${mark}.`, "warn");
    } else {
      toast(`Сервер отклонил отметку${where}: ${outcome.detail}`, "bad");
    }
    restartLoop(); // show what the service holds now
    return;
  }
  // Applied (or already applied earlier): the service holds it; reflect it until the refresh.
  const task = findTask(event.task_id);
  if (task && task.status !== "cancelled" && event.kind !== "accepted") task.status = event.kind;
  if (task && task.status === "new" && event.kind === "accepted") task.status = "accepted";
  if (state.list) taskCache.save(state.me.courier_id, state.list.date, state.list);
}

function findTask(taskId) {
  return state.list ? state.list.tasks.find((t) => t.task_id === taskId) : null;
}

// ---------------------------------------------------------------------------- rendering
/** What the card shows: a queued action wins over the service's status (except cancel). */
function viewOf(task) {
  const queued = state.outbox ? state.outbox.pendingFor(task.task_id) : null;
  const mine = results.all(state.me.courier_id)[task.task_id] || null;
  let status = task.status || "new";
  if (status !== "cancelled" && queued) status = queued.event.kind;
  const result = mine && mine.kind === status ? mine : null;
  return { status, queued: Boolean(queued), result };
}

function render() {
  if (!state.me || $("tasks-screen").hidden) return;
  const today = isoDate();
  $("list-title").textContent = dayHeading(state.date, today);
  $("courier-name").textContent = state.me.name || `Экспедитор № ${state.me.courier_id}`;
  $("day-label").textContent = formatDay(state.date);
  $("day-input").value = state.date;
  $("today-button").hidden = state.date === today;
  renderBanner();
  renderTasks();
}

function renderBanner() {
  const banner = $("net-banner");
  const queued = state.outbox ? state.outbox.items().length : 0;
  const outboxDown = state.outbox && state.outbox.lastError && state.outbox.lastError !== "auth";
  const problem = state.loopProblem || (queued && outboxDown ? "offline" : null);
  banner.replaceChildren();
  banner.hidden = !problem && !queued;
  banner.className = `net-banner${problem ? " is-offline" : " is-sending"}`;
  if (problem) {
    const since = state.list ? ` Показан список на ${formatClock(state.list.fetched_at)}.` : "";
    banner.append(
      icon("offline"),
      h(
        "span",
        { class: "net-text" },
        h("strong", {}, problem === "server" ? "Сервер недоступен" : "Нет связи"),
        since,
      ),
    );
  }
  if (queued) {
    banner.append(
      h(
        "span",
        { class: "queue-chip", "data-testid": "queue-count" },
        icon("hourglass"),
        `Ждут отправки: ${queued}`,
      ),
    );
  }
}

function renderTasks() {
  const listEl = $("task-list");
  const summary = $("summary");
  summary.replaceChildren();
  if (!state.list) {
    listEl.replaceChildren(
      h(
        "p",
        { class: "empty" },
        state.loopProblem ? "Нет связи. Задачи загрузятся, когда появится интернет." : "Загружаем задачи…",
      ),
    );
    return;
  }
  const tasks = state.list.tasks.map((task, index) => ({ task, stop: index + 1, view: viewOf(task) }));
  const active = tasks.filter((t) => t.view.status === "new" || t.view.status === "accepted");
  const finished = tasks.filter((t) => t.view.status === "done" || t.view.status === "failed");
  const cancelled = tasks.filter((t) => t.view.status === "cancelled");

  const toCollect = active
    .filter((t) => t.task.payment_method !== "invoice")
    .reduce((sum, t) => sum + (t.task.amount_kop || 0), 0);
  const collected = finished
    .filter((t) => t.view.status === "done" && t.view.result)
    .reduce((sum, t) => sum + (t.view.result.collected_kop || 0), 0);
  const total = active.length + finished.length;
  summary.append(
    h(
      "div",
      { class: "summary-item" },
      h("span", { class: "summary-label" }, "Готово"),
      h("strong", {}, `${finished.length} из ${total}`),
    ),
    h(
      "div",
      { class: "summary-item" },
      h("span", { class: "summary-label" }, "Получить"),
      h("strong", {}, formatRub(toCollect)),
    ),
    h(
      "div",
      { class: "summary-item" },
      h("span", { class: "summary-label" }, "Собрано"),
      h("strong", {}, formatRub(collected)),
    ),
  );

  const children = [];
  const unseen = cancelled.filter((t) => notices.seen(state.me.courier_id, t.task.task_id) < t.task.version);
  if (unseen.length) children.push(h("div", { class: "cancel-notices" }, ...unseen.map(cancelNotice)));
  if (!tasks.length) children.push(h("p", { class: "empty" }, "На этот день задач нет."));
  for (const t of active) children.push(activeCard(t));
  if (finished.length) {
    children.push(h("h2", { class: "section-title" }, `Выполненные · ${finished.length}`));
    for (const t of finished) children.push(finishedCard(t));
  }
  if (cancelled.length) {
    children.push(h("h2", { class: "section-title" }, `Отменённые · ${cancelled.length}`));
    for (const t of cancelled) children.push(finishedCard(t));
  }
  listEl.replaceChildren(...children);
}

function addressLines(address) {
  const parts = [];
  if (address.entrance) parts.push(`подъезд ${address.entrance}`);
  if (address.floor) parts.push(`этаж ${address.floor}`);
  if (address.flat) parts.push(`кв. ${address.flat}`);
  return parts.join(" · ");
}

function cardHead({ task, stop, view }) {
  return h(
    "header",
    { class: "task-head" },
    h("span", { class: "stop", "aria-label": `Точка ${stop}` }, String(stop)),
    h(
      "span",
      { class: "window" },
      icon("clock", "icon icon-sm"),
      formatWindow(task.window_start, task.window_end),
    ),
    h("span", { class: `badge badge-${view.status}`, "data-testid": "status" }, STATUS_LABEL[view.status]),
  );
}

/** The courier saw this version of the task: its notice goes away (also on another reload). */
function acknowledge(task) {
  notices.acknowledge(state.me.courier_id, task.task_id, task.version);
  render();
}

/** «Вода 19 л — 3 вместо 2», «Помпа — добавлено: 1», «Кулер — убрано». */
function itemChangeText(change) {
  if (!change.was) return `${change.name} — добавлено: ${change.now}`;
  if (!change.now) return `${change.name} — убрано`;
  return `${change.name} — ${change.now} вместо ${change.was}`;
}

function changeNotice(task) {
  const changes = task.changes;
  if (!changes || notices.seen(state.me.courier_id, task.task_id) >= task.version) return null;
  const parts = (changes.items || []).map(itemChangeText);
  if (changes.address) parts.push("новый адрес");
  if (changes.comment) parts.push("комментарий");
  if (changes.payment) parts.push("оплата");
  return h(
    "div",
    { class: "change-notice", role: "status", "data-testid": "change-notice" },
    icon("warn", "icon icon-sm"),
    h("span", { class: "change-text" }, `Изменено: ${parts.join("; ")}`),
    h(
      "button",
      { type: "button", class: "btn btn-secondary", onclick: () => acknowledge(task) },
      "Понятно",
    ),
  );
}

function cancelNotice({ task }) {
  const where = [task.address?.text, task.client_name].filter(Boolean).join(" · ");
  const why = task.cancel_reason ? ` Причина: ${task.cancel_reason}.` : "";
  return h(
    "div",
    { class: "change-notice", role: "alert", "data-testid": "cancel-notice", "data-task-id": task.task_id },
    icon("cross", "icon icon-sm"),
    h("span", { class: "change-text" }, `Отменено диспетчером: ${where} — ехать не нужно.${why}`),
    h(
      "button",
      { type: "button", class: "btn btn-secondary", onclick: () => acknowledge(task) },
      "Понятно",
    ),
  );
}

function queuedNote(view) {
  if (!view.queued) return null;
  return h(
    "p",
    { class: "queued", "data-testid": "queued" },
    icon("hourglass", "icon icon-sm"),
    "Ждёт отправки — уйдёт, когда появится связь",
  );
}

function paymentLine(task) {
  if (task.payment_method === "invoice") {
    return h("p", { class: "pay pay-invoice" }, "Оплата по счёту, денег не брать");
  }
  if (!task.amount_kop) return h("p", { class: "pay pay-none" }, "Оплата не требуется");
  return h(
    "p",
    { class: "pay pay-cash" },
    h("span", {}, "Получить наличными"),
    h("strong", { "data-testid": "amount" }, formatRub(task.amount_kop)),
  );
}

function activeCard(entry) {
  const { task, view } = entry;
  const address = task.address || {};
  const details = addressLines(address);
  const geo = geoHref(address);
  const phones = (task.contact_phones || []).map((phone) =>
    h("a", { class: "btn btn-call", href: telHref(phone) }, icon("phone"), formatPhone(phone)),
  );
  const items = (task.items || []).map((item) =>
    h("li", {}, h("span", { class: "item-name" }, item.name), h("span", { class: "item-qty" }, `× ${item.qty}`)),
  );
  const actions = [];
  if (view.status === "new") {
    actions.push(
      h(
        "button",
        { type: "button", class: "btn btn-secondary btn-block", onclick: () => accept(task) },
        "Принять задачу",
      ),
    );
  }
  actions.push(
    h(
      "div",
      { class: "action-row" },
      h(
        "button",
        { type: "button", class: "btn btn-bad-outline", onclick: () => openFailed(task) },
        icon("cross"),
        "Не доставлено",
      ),
      h(
        "button",
        { type: "button", class: "btn btn-ok", onclick: () => openDone(task) },
        icon("check"),
        "Доставлено",
      ),
    ),
  );
  return h(
    "article",
    { class: `task task-${view.status}`, "data-task-id": task.task_id, "data-status": view.status },
    cardHead(entry),
    changeNotice(task),
    h("h3", { class: "addr" }, address.text || "Адрес не указан"),
    details ? h("p", { class: "addr-details" }, details) : null,
    address.notes ? h("p", { class: "notes" }, icon("warn", "icon icon-sm"), address.notes) : null,
    h(
      "p",
      { class: "client" },
      h("strong", {}, task.client_name),
      task.contact_name && task.contact_name !== task.client_name ? ` · ${task.contact_name}` : null,
    ),
    phones.length || geo
      ? h(
          "div",
          { class: "links" },
          ...phones,
          geo ? h("a", { class: "btn btn-nav", href: geo }, icon("nav"), "Маршрут") : null,
        )
      : null,
    items.length ? h("ul", { class: "items" }, ...items) : null,
    paymentLine(task),
    task.comment
      ? h("p", { class: "comment" }, h("span", { class: "comment-label" }, "Комментарий: "), task.comment)
      : null,
    queuedNote(view),
    h("div", { class: "actions" }, ...actions),
  );
}

function finishedCard(entry) {
  const { task, view } = entry;
  const address = task.address || {};
  let outcome = null;
  const r = view.result;
  if (view.status === "done" && r) {
    const bottles = r.bottles_returned || 0;
    const word = plural(bottles, "бутыль", "бутыли", "бутылей");
    outcome = `Получено ${formatRub(r.collected_kop || 0)} · тара: ${bottles} ${word}`;
  } else if (view.status === "failed" && r) {
    outcome = `Причина: ${r.reason}${r.proposed_time ? ` · перенос: ${r.proposed_time}` : ""}`;
    if (r.complaint) outcome += ` · жалоба: ${r.complaint}`;
  } else if (view.status === "cancelled") {
    const why = task.cancel_reason ? ` · ${task.cancel_reason}` : "";
    outcome = `Отменено диспетчером — ехать не нужно${why}`;
  }
  return h(
    "article",
    { class: `task task-compact task-${view.status}`, "data-task-id": task.task_id, "data-status": view.status },
    cardHead(entry),
    h("h3", { class: "addr" }, address.text || "Адрес не указан"),
    h("p", { class: "client" }, task.client_name),
    outcome ? h("p", { class: "outcome" }, outcome) : null,
    queuedNote(view),
  );
}

// ---------------------------------------------------------------------------- toasts
function toast(text, tone = "info") {
  const el = h("div", { class: `toast toast-${tone}` }, text);
  $("toasts").append(el);
  setTimeout(() => el.remove(), 8000);
  el.addEventListener("click", () => el.remove());
}

// ---------------------------------------------------------------------------- dialogs
function accept(task) {
  try {
    report(task, "accepted");
  } catch {
    toast("Не удалось сохранить отметку на телефоне: освободите память и повторите.", "bad");
  }
}

function showError(form, field, text) {
  const el = form.querySelector(`[data-field="${field}"]`);
  el.textContent = text || "";
  el.hidden = !text;
}

function whereText(task) {
  const address = task.address?.text || "";
  return [address, task.client_name].filter(Boolean).join(" · ");
}

let dialogTask = null;

function openDone(task) {
  dialogTask = task;
  notices.acknowledge(state.me.courier_id, task.task_id, task.version);
  const dialog = $("done-dialog");
  const form = $("done-form");
  form.reset();
  for (const f of ["collected-error", "bottles-error", "save-error"]) showError(form, f, "");
  form.querySelector('[data-field="where"]').textContent = whereText(task);
  const invoice = task.payment_method === "invoice";
  form.querySelector('[data-field="pay"]').textContent = invoice
    ? "Оплата по счёту, денег не брать"
    : `К оплате: ${formatRub(task.amount_kop || 0)}`;
  form.querySelector('[data-field="pay"]').className = `sheet-pay${invoice ? " is-invoice" : ""}`;
  $("collected-input").value = invoice ? "0" : kopToInput(task.amount_kop || 0);
  $("bottles-input").value = "0";
  updateDiff();
  dialog.showModal();
}

function updateDiff() {
  const form = $("done-form");
  const note = form.querySelector('[data-field="diff"]');
  const kop = parseRub($("collected-input").value);
  const due = dialogTask && dialogTask.payment_method !== "invoice" ? dialogTask.amount_kop || 0 : 0;
  if (kop === null || kop === due) {
    note.hidden = true;
    return;
  }
  note.hidden = false;
  note.textContent =
    kop < due
      ? `Меньше суммы к оплате на ${formatRub(due - kop)}`
      : `Больше суммы к оплате на ${formatRub(kop - due)}`;
}

function submitDone(event) {
  event.preventDefault();
  const form = $("done-form");
  const parsed = parseRub($("collected-input").value);
  const collected = parsed !== null && parsed <= MAX_COLLECTED_KOP ? parsed : null;
  const bottles = Number($("bottles-input").value);
  showError(form, "collected-error", collected === null ? "Введите сумму, например 1234,50" : "");
  const badBottles = !Number.isInteger(bottles) || bottles < 0 || bottles > 999;
  showError(form, "bottles-error", badBottles ? "Введите число бутылей: 0 или больше" : "");
  if (collected === null || badBottles) return;
  try {
    report(dialogTask, "done", { collected_kop: collected, bottles_returned: bottles });
  } catch {
    showError(form, "save-error", "Не удалось сохранить на телефоне: освободите память и повторите.");
    return;
  }
  $("done-dialog").close();
  render();
}

function proposedText(when) {
  const today = isoDate();
  const tomorrow = addDays(today, 1);
  const ddmm = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;
  return {
    today: `сегодня позже (${ddmm(today)})`,
    "tomorrow-morning": `завтра утром (${ddmm(tomorrow)})`,
    "tomorrow-day": `завтра днём (${ddmm(tomorrow)})`,
    "tomorrow-evening": `завтра вечером (${ddmm(tomorrow)})`,
  }[when];
}

function openFailed(task) {
  dialogTask = task;
  notices.acknowledge(state.me.courier_id, task.task_id, task.version);
  const form = $("failed-form");
  form.reset();
  for (const f of ["reason-error", "save-error"]) showError(form, f, "");
  for (const chip of form.querySelectorAll(".chip")) chip.setAttribute("aria-pressed", "false");
  form.querySelector('[data-field="where"]').textContent = whereText(task);
  $("failed-dialog").showModal();
}

function onChip(event) {
  const chip = event.target.closest(".chip");
  if (!chip) return;
  const group = chip.parentElement;
  for (const other of group.querySelectorAll(".chip")) other.setAttribute("aria-pressed", String(other === chip));
  if (group.dataset.chips === "reason") {
    $("reason-input").value = chip.textContent;
    showError($("failed-form"), "reason-error", "");
  } else {
    $("proposed-input").value = proposedText(chip.dataset.when);
  }
}

function submitFailed(event) {
  event.preventDefault();
  const form = $("failed-form");
  const reason = $("reason-input").value.trim();
  const proposed = $("proposed-input").value.trim();
  const complaint = $("complaint-input").value.trim();
  showError(form, "reason-error", reason ? "" : "Укажите причину: выберите вариант или напишите.");
  if (!reason) return;
  try {
    report(dialogTask, "failed", { reason, proposed_time: proposed || null, complaint: complaint || null });
  } catch {
    showError(form, "save-error", "Не удалось сохранить на телефоне: освободите память и повторите.");
    return;
  }
  $("failed-dialog").close();
  render();
}

// ---------------------------------------------------------------------------- wiring
function wire() {
  translateSignIn(document);
  $("pair-form").addEventListener("submit", (e) => {
    e.preventDefault();
    pairWithCode($("pair-code-input").value);
  });
  $("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    login($("token-input").value);
  });
  $("paste-button").addEventListener("click", async () => {
    try {
      $("token-input").value = (await navigator.clipboard.readText()).trim();
    } catch {
      /* permission refused: the courier pastes by hand */
    }
  });
  $("refresh-button").append(icon("refresh"));
  $("logout-button").append(icon("logout"));
  $("prev-day").append(icon("left"));
  $("next-day").append(icon("right"));
  $("refresh-button").addEventListener("click", () => {
    restartLoop();
    if (state.outbox) state.outbox.retryNow();
  });
  $("logout-button").addEventListener("click", logout);
  const shiftDay = (n) => {
    const day = addDays(state.date, n);
    selectDate(day, day === isoDate());
  };
  $("prev-day").addEventListener("click", () => shiftDay(-1));
  $("next-day").addEventListener("click", () => shiftDay(1));
  $("today-button").addEventListener("click", () => selectDate(isoDate(), true));
  $("day-input").addEventListener("change", (e) => {
    if (e.target.value) selectDate(e.target.value, e.target.value === isoDate());
  });
  $("day-input").addEventListener("click", (e) => {
    try {
      e.target.showPicker();
    } catch {
      /* older browsers open it themselves */
    }
  });

  $("done-form").addEventListener("submit", submitDone);
  $("collected-input").addEventListener("input", updateDiff);
  $("done-form").addEventListener("click", (e) => {
    const step = e.target.closest("[data-step]");
    if (!step) return;
    const input = $("bottles-input");
    input.value = String(Math.max(0, (Number(input.value) || 0) + Number(step.dataset.step)));
  });
  $("failed-form").addEventListener("submit", submitFailed);
  $("failed-form").addEventListener("click", onChip);
  for (const button of document.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }

  window.addEventListener("online", () => {
    if (state.wake) state.wake();
  });
  window.addEventListener("offline", () => {
    if (!state.me) return;
    state.loopProblem = "offline";
    render();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || !state.outbox) return;
    // Back from the lock screen: the day may have changed and the long-poll may be dead.
    if (state.followToday && state.date !== isoDate()) selectDate(isoDate(), true);
    else restartLoop();
    state.outbox.retryNow();
  });
  window.addEventListener("storage", (e) => {
    if (e.key === "dd.courier.token" && e.newValue === null && state.outbox) showLogin();
    // Another tab renewed the token: use the fresh one (the old one ends in minutes).
    if (e.key === "dd.courier.token" && e.newValue && state.outbox) state.token = session.token();
    if (e.key === "dd.courier.me" && e.newValue && state.outbox) state.me = session.me();
  });
}

/** A link like /courier/#token=… (a QR code from the desktop) logs in without typing. */
function tokenFromLink() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("token");
  if (token) history.replaceState(null, "", location.pathname + location.search);
  return token;
}

function registerServiceWorker() {
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("sw.js").catch(() => {
      /* the app works without offline start-up */
    });
  }
}

function boot() {
  wire();
  registerServiceWorker();
  const pairCode = codeFromLink();
  if (pairCode !== null) {
    // A scanned QR code: sign in by itself. A phone already signed in stays on its list
    // while the code is checked (and keeps it if the code is refused).
    if (session.token() && session.me()) startSession();
    else showLogin();
    $("pair-code-input").value = displayCode(pairCode);
    pairWithCode(pairCode);
    return;
  }
  const linked = tokenFromLink();
  if (linked) {
    showLogin();
    $("token-input").value = linked;
    login(linked);
    return;
  }
  if (session.token() && session.me()) startSession();
  else showLogin();
}

boot();

// Exposed for tests and for support staff poking at a phone over remote debugging.
window.courierApp = { state };
