// The client portal: sign in (or redeem an invitation), then the client's live deliveries,
// history with "Repeat", a new order, bottles and settlements, claims and messages.
// Routes are hash paths (#/home, #/repeat/ID, #/claim/ID…) so the phone's Back works.

import { AuthError, NetworkError, RejectedError, api } from "./api.js";
import { onPhotosChosen, showClaimForm, submitClaim } from "./claim.js";
import { $, formError, h, submitForm } from "./dom.js";
import { clock, formatDate, formatMonth, formatRub, formatStamp, newRequestId, windowText } from "./format.js";
import { initialLang, lang, setLang, t, translatePage } from "./i18n.js";
import { orderTitle, rememberFields, showOrderForm, startDraft, submitOrder } from "./order.js";

const REFRESH_MS = 15000;

const state = {
  me: null, // PortalMe
  inviteCode: null,
  orders: new Map(), // id -> PortalOrderView, from every list seen
  historyBefore: null,
  messageId: null, // made once per message being written
  refreshTimer: null,
  route: null,
};

// ---------------------------------------------------------------------------- gates
function showGate(id, notice = "") {
  stopRefresh();
  $("app").hidden = true;
  $("signin-screen").hidden = id !== "signin-screen";
  $("redeem-screen").hidden = id !== "redeem-screen";
  const line = $("signin-notice");
  line.textContent = notice;
  line.hidden = !notice;
}

/** The session is over: back to sign in, saying so; drafts stay for after the sign-in. */
function onAuthLost() {
  state.me = null;
  showGate("signin-screen", t("signin.ended"));
  $("signin-login").focus();
}

async function signIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const login = $("signin-login").value.trim();
  const password = $("signin-password").value;
  if (!login || !password) return formError(form, t("signin.empty"));
  const me = await submitForm(form, () => api.login(login, password), {
    busyText: t("signin.busy"),
    onAuth: () => formError(form, t("signin.bad")),
  });
  if (me) {
    $("signin-password").value = "";
    enter(me);
  }
}

async function redeem(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const login = $("redeem-login").value.trim();
  const password = $("redeem-password").value;
  if (login.length < 3 || login.length > 100) return formError(form, t("redeem.short_login"));
  if (password.length < 8) return formError(form, t("redeem.short"));
  if (password !== $("redeem-confirm").value) return formError(form, t("redeem.mismatch"));
  const me = await submitForm(form, () => api.redeem(state.inviteCode, login, password), {
    busyText: t("signin.busy"),
    onAuth: (err) => formError(form, err.detail || t("signin.bad")),
  });
  if (me) {
    state.inviteCode = null;
    form.reset();
    location.hash = "#/home";
    enter(me);
  }
}

async function logout() {
  try {
    await api.logout();
  } catch {
    // signed out here either way; the cookie ends with its session
  }
  state.me = null;
  state.orders.clear();
  startDraft();
  showGate("signin-screen");
}

// ---------------------------------------------------------------------------- app
function enter(me) {
  state.me = me;
  $("signin-screen").hidden = true;
  $("redeem-screen").hidden = true;
  $("app").hidden = false;
  $("client-name").textContent = me.client_name;
  route();
}

/** Show the view named by the hash and load what it needs. */
async function route() {
  if (!state.me) return;
  rememberFields();
  const [name, arg] = (location.hash.replace(/^#\/?/, "") || "home").split("/");
  const view = document.querySelector(`[data-view="${name}"]`) ? name : name === "repeat" ? "order" : "home";
  state.route = { name, arg };
  for (const section of document.querySelectorAll("[data-view]")) section.hidden = section.dataset.view !== view;
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.classList.toggle("active", tab.dataset.tab === view);
    if (tab.dataset.tab === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  stopRefresh();
  // A toast belongs to the step that raised it, not to the screens after it.
  if (location.hash !== toast.forHash) $("toast").hidden = true;
  await load(async () => {
    if (view === "home") {
      await loadHome();
      state.refreshTimer = setInterval(refreshHome, REFRESH_MS);
    } else if (view === "history") await loadHistory(false);
    else if (view === "order") {
      if (name === "repeat") startDraft(await orderById(arg));
      await showOrderForm();
      setTitle(orderTitle());
    } else if (view === "claim") {
      const order = await orderById(arg);
      setTitle(t("claim.title", { id: order.order_id ?? order.id }));
      showClaimForm(order);
    } else if (view === "messages") await loadMessages();
    else if (view === "account") await loadAccount();
  });
  if (!["order", "claim"].includes(view)) setTitle(t(`${view}.title`));
}

function setTitle(text) {
  $("screen-title").textContent = text;
}

/** Run a loading step: offline keeps what is shown under a banner; 401 signs out. */
async function load(step) {
  try {
    await step();
    showBanner("");
  } catch (err) {
    if (err instanceof AuthError) onAuthLost();
    else if (err instanceof NetworkError && !err.status) showBanner(t("load.offline"));
    else if (err instanceof RejectedError && err.status === 404) location.hash = "#/home";
    else showBanner(t("load.failed"));
  }
}

function showBanner(text) {
  const banner = $("net-banner");
  banner.textContent = text;
  banner.hidden = !text;
}

function toast(text) {
  const line = $("toast");
  line.textContent = text;
  line.hidden = false;
  toast.forHash = location.hash;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (line.hidden = true), 5000);
}

function stopRefresh() {
  clearInterval(state.refreshTimer);
  state.refreshTimer = null;
}

function refreshHome() {
  if (state.me && state.route?.name === "home" && document.visibilityState === "visible") load(loadHome);
}

async function orderById(id) {
  return state.orders.get(Number(id)) || remember(await api.order(id));
}

function remember(order) {
  state.orders.set(order.id, order);
  return order;
}

// ---------------------------------------------------------------------------- orders
async function loadHome() {
  const { orders } = await api.deliveries();
  orders.forEach(remember);
  $("home-list").replaceChildren(...(orders.length ? orders.map(orderCard) : [h("p", { class: "empty" }, t("home.empty"))]));
  $("home-updated").textContent = t("home.updated", { time: clock() });
}

async function loadHistory(more) {
  const page = await api.history(more ? state.historyBefore : null);
  page.orders.forEach(remember);
  const cards = page.orders.map(orderCard);
  const list = $("history-list");
  if (more) list.append(...cards);
  else list.replaceChildren(...(cards.length ? cards : [h("p", { class: "empty" }, t("history.empty"))]));
  state.historyBefore = page.next_before ?? null;
  $("history-more").hidden = state.historyBefore === null;
}

function orderCard(order) {
  const when = order.date
    ? `${formatDate(order.date, lang())}, ${windowText(order.window_start, order.window_end) || t("order.any_time")}`
    : t("order.any_day");
  const note =
    order.note && order.state === "failed"
      ? t("order.failed_note", { note: order.note })
      : order.note && order.state === "rejected"
        ? order.note
        : null;
  const actions = [
    order.can_repeat && h("a", { class: "btn btn-secondary", href: `#/repeat/${order.id}` }, t("order.repeat")),
    order.can_claim && h("a", { class: "btn btn-plain", href: `#/claim/${order.id}` }, t("order.claim")),
  ].filter(Boolean);
  return h(
    "article",
    { class: "card order", "data-id": String(order.id), "data-state": order.state },
    h(
      "div",
      { class: "order-head" },
      h("h2", {}, order.order_id ? t("order.number", { id: order.order_id }) : t("order.pending")),
      h("span", { class: `badge badge-${order.state}` }, t(`state.${order.state}`)),
    ),
    h("p", { class: "order-when" }, when),
    h(
      "ul",
      { class: "items" },
      order.items.map((item) => h("li", {}, `${item.name} × ${item.qty}`)),
    ),
    h("p", { class: "order-total" }, formatRub(order.total_kop, lang())),
    note && h("p", { class: `note note-${order.state}` }, note),
    actions.length ? h("div", { class: "actions" }, actions) : null,
  );
}

// ---------------------------------------------------------------------------- account
async function loadAccount() {
  const { bottles } = await api.bottles();
  $("bottles").textContent = t("account.bottles_n", { n: bottles });
  $("account-login").textContent = t("account.login", { login: state.me.login });
  const card = $("settlements-card");
  card.hidden = state.me.payment !== "invoice";
  if (card.hidden) return;
  try {
    const { months } = await api.settlements();
    $("settlements").replaceChildren(
      ...months.map((m) =>
        h("tr", {}, h("td", {}, formatMonth(m.month, lang())), h("td", {}, String(m.orders)), h("td", {}, formatRub(m.delivered_kop, lang()))),
      ),
    );
  } catch (err) {
    if (!(err instanceof RejectedError && err.status === 404)) throw err;
    card.hidden = true; // not an invoice company after all
  }
}

// ---------------------------------------------------------------------------- messages
async function loadMessages() {
  const { messages } = await api.messages();
  const thread = $("thread");
  thread.replaceChildren(
    ...(messages.length
      ? messages.map((m) =>
          h(
            "div",
            { class: `bubble bubble-${m.direction}`, "data-id": m.message_id },
            h("p", { class: "bubble-who small" }, `${m.direction === "in" ? t("messages.you") : m.author || t("messages.company")} · ${formatStamp(m.at, lang())}`),
            h("p", { class: "bubble-text" }, m.text),
          ),
        )
      : [h("p", { class: "empty" }, t("messages.empty"))]),
  );
  thread.lastElementChild?.scrollIntoView({ block: "end" });
}

async function sendMessage(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const text = $("message-text").value;
  if (!text.trim()) return formError(form, t("messages.empty_text"));
  state.messageId = state.messageId || newRequestId();
  const sent = await submitForm(form, () => api.sendMessage({ message_id: state.messageId, text }), {
    busyText: t("new.busy"),
    onAuth: onAuthLost,
  });
  if (sent === null) return;
  state.messageId = null;
  $("message-text").value = "";
  await load(loadMessages);
}

// ---------------------------------------------------------------------------- wiring
function switchLanguage() {
  rememberFields();
  setLang(lang() === "ru" ? "en" : "ru");
  translatePage();
  if (state.me) route();
}

async function onOrderSubmit(event) {
  event.preventDefault();
  if (await submitOrder(onAuthLost)) {
    location.hash = "#/home";
    toast(t("new.sent"));
  }
}

async function onClaimSubmit(event) {
  event.preventDefault();
  if (await submitClaim(onAuthLost)) {
    location.hash = "#/history";
    toast(t("claim.sent"));
  }
}

function wire() {
  for (const button of document.querySelectorAll('[data-action="lang"]')) button.addEventListener("click", switchLanguage);
  $("signin-form").addEventListener("submit", signIn);
  $("redeem-form").addEventListener("submit", redeem);
  $("logout-button").addEventListener("click", logout);
  $("order-form").addEventListener("submit", onOrderSubmit);
  $("order-form").addEventListener("change", rememberFields);
  $("claim-form").addEventListener("submit", onClaimSubmit);
  $("claim-photos").addEventListener("change", onPhotosChosen);
  $("message-form").addEventListener("submit", sendMessage);
  $("history-more").addEventListener("click", () => load(() => loadHistory(true)));
  window.addEventListener("hashchange", () => {
    if (!readInvite()) route();
  });
  // Back to the page: the deliveries may have moved on meanwhile.
  window.addEventListener("focus", refreshHome);
  document.addEventListener("visibilitychange", refreshHome);
}

/** An invitation link (#invite=CODE): keep the code, drop it from the address bar. */
function readInvite() {
  const match = /^#invite=([^&]+)/.exec(location.hash);
  if (!match) return false;
  state.inviteCode = decodeURIComponent(match[1]);
  history.replaceState(null, "", location.pathname + location.search);
  showGate("redeem-screen");
  $("redeem-login").focus();
  return true;
}

async function boot() {
  setLang(initialLang());
  translatePage();
  wire();
  if (readInvite()) return;
  try {
    enter(await api.me());
  } catch (err) {
    showGate("signin-screen", err instanceof AuthError ? "" : t("load.offline"));
  }
}

boot();
