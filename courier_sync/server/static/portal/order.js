// The new-order screen: the client's catalogue with quantity steppers, a date inside the
// allowed range, a published window, a comment and the total. "Repeat" opens it prefilled.
// The draft (and its request_id) survives errors, going offline and a new sign-in; it is
// dropped only once the service has the order.

import { api } from "./api.js";
import { $, formError, h, submitForm } from "./dom.js";
import { formatRub, newRequestId } from "./format.js";
import { lang, t } from "./i18n.js";

const MAX_QTY = 1000; // the contract's bound on a line

let draft = null; // {requestId, repeatOf, repeatNumber, original: {code: qty}, qty: {code: qty}}
let catalog = null;

/** Start a fresh order, or one prefilled from `order` (a PortalOrderView) for "Repeat". */
export function startDraft(order = null) {
  const qty = {};
  for (const item of order ? order.items : []) qty[item.code] = item.qty;
  draft = {
    requestId: newRequestId(),
    repeatOf: order ? order.id : null,
    repeatNumber: order ? order.order_id ?? order.id : null,
    original: { ...qty },
    qty,
    date: null,
    window: null,
    comment: "",
  };
  $("order-form").classList.remove("unsent");
}

/** The screen's title for the current draft. */
export function orderTitle() {
  return draft && draft.repeatOf ? t("new.repeat_title", { id: draft.repeatNumber }) : t("new.title");
}

/** Show the form for the current draft (a fresh one when none), loading the catalogue. */
export async function showOrderForm() {
  if (!draft) startDraft();
  const form = $("order-form");
  formError(form, "");
  catalog = await api.catalog();
  renderLines();
  const date = $("order-date");
  date.min = catalog.first_date;
  date.max = catalog.last_date;
  date.value = draft.date || catalog.first_date;
  const select = $("order-window");
  select.replaceChildren(
    ...catalog.windows.map((w) => h("option", { value: `${w.start}-${w.end}` }, `${w.start}–${w.end}`)),
  );
  if (draft.window) select.value = draft.window;
  $("order-comment").value = draft.comment;
  if (!catalog.prices.length) formError(form, t("new.no_catalog"));
  updateTotal();
}

function renderLines() {
  const lines = catalog.prices.map((price) => {
    const input = h("input", {
      type: "number",
      inputmode: "numeric",
      min: "0",
      max: String(MAX_QTY),
      step: "1",
      value: String(draft.qty[price.code] || 0),
      "data-code": price.code,
      "aria-label": price.name,
    });
    const step = (delta) => () => {
      input.value = String(Math.min(MAX_QTY, Math.max(0, (Number(input.value) || 0) + delta)));
      onQty(input);
    };
    input.addEventListener("input", () => onQty(input));
    return h(
      "div",
      { class: "line", "data-code": price.code },
      h("div", { class: "line-text" }, h("p", { class: "line-name" }, price.name), h("p", { class: "muted" }, priceText(price))),
      h(
        "div",
        { class: "stepper" },
        h("button", { type: "button", class: "step-btn", "aria-label": t("new.minus"), onclick: step(-1) }, "−"),
        input,
        h("button", { type: "button", class: "step-btn", "aria-label": t("new.plus"), onclick: step(1) }, "+"),
      ),
    );
  });
  $("order-lines").replaceChildren(...lines);
}

function priceText(price) {
  const unit = price.unit ? ` / ${price.unit}` : "";
  return `${formatRub(price.price_kop, lang())}${unit}`;
}

function onQty(input) {
  const n = Math.floor(Number(input.value));
  draft.qty[input.dataset.code] = Number.isFinite(n) && n > 0 ? Math.min(n, MAX_QTY) : 0;
  updateTotal();
}

function chosenItems() {
  const sold = new Set(catalog.prices.map((p) => p.code));
  return Object.entries(draft.qty)
    .filter(([code, qty]) => qty > 0 && sold.has(code))
    .map(([code, qty]) => ({ code, qty }));
}

function updateTotal() {
  const byCode = Object.fromEntries(catalog.prices.map((p) => [p.code, p.price_kop]));
  const total = chosenItems().reduce((sum, item) => sum + byCode[item.code] * item.qty, 0);
  $("order-total").textContent = formatRub(total, lang());
}

/** Same lines as the repeated order (then the service's repeat keeps the desk's link to it). */
function sameAsOriginal(items) {
  const original = Object.entries(draft.original);
  return (
    original.length === items.length && items.every((item) => draft.original[item.code] === item.qty)
  );
}

/** Keep what is typed in the draft (the fields are re-read on every change). */
export function rememberFields() {
  if (!draft) return;
  draft.date = $("order-date").value;
  draft.window = $("order-window").value;
  draft.comment = $("order-comment").value;
}

/** Check and send the draft; resolves true once the service has it. */
export async function submitOrder(onAuth) {
  const form = $("order-form");
  rememberFields();
  const items = chosenItems();
  if (!items.length) return formError(form, t("new.empty")), false;
  if (!draft.date || draft.date < catalog.first_date || draft.date > catalog.last_date) {
    return formError(form, t("new.no_date", { first: catalog.first_date, last: catalog.last_date })), false;
  }
  if (!draft.window) return formError(form, t("new.no_window")), false;
  const [windowStart, windowEnd] = draft.window.split("-");
  const when = { request_id: draft.requestId, date: draft.date, window_start: windowStart, window_end: windowEnd };
  const repeat = draft.repeatOf && !draft.comment.trim() && sameAsOriginal(items);
  const answer = await submitForm(
    form,
    () =>
      repeat
        ? api.repeatOrder(draft.repeatOf, when)
        : api.placeOrder({ ...when, items, comment: draft.comment }),
    { busyText: t("new.busy"), onAuth },
  );
  if (answer === null) return false;
  draft = null;
  return true;
}
