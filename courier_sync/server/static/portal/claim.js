// A claim on a delivered order: free text, photos (checked here with the service's limits,
// whose own message is shown too), and for each line "ordered N, received M". The upload
// shows its progress; the claim_id is made once per claim, so a retry cannot double it.

import { sendClaim } from "./api.js";
import { $, formError, h, submitForm } from "./dom.js";
import { formatSize, newRequestId } from "./format.js";
import { t } from "./i18n.js";

export const MAX_PHOTOS = 5; // portal_contract.MAX_PHOTOS
export const MAX_PHOTO_MB = 5; // portal_contract.MAX_PHOTO_BYTES
const MAX_PHOTO_BYTES = MAX_PHOTO_MB * 1024 * 1024;
const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];

let claim = null; // {claimId, order, received: {code: n}}

/** Open the claim form for `order`; a claim already being written for it is kept as typed. */
export function showClaimForm(order) {
  const form = $("claim-form");
  if (!claim || claim.order.id !== order.id) {
    claim = { claimId: newRequestId(), order, received: {} };
    form.reset();
    $("claim-files").replaceChildren();
    form.classList.remove("unsent");
  }
  formError(form, "");
  $("claim-photos-label").textContent = t("claim.photos", { n: MAX_PHOTOS, mb: MAX_PHOTO_MB });
  $("claim-progress").hidden = true;
  $("claim-lines").replaceChildren(...order.items.map(lineRow));
}

function lineRow(item) {
  const input = h("input", {
    type: "number",
    inputmode: "numeric",
    min: "0",
    max: "100000",
    value: String(claim.received[item.code] ?? item.qty),
    "data-code": item.code,
    "aria-label": `${t("claim.received")}: ${item.name}`,
  });
  input.addEventListener("input", () => {
    claim.received[item.code] = Math.max(0, Math.floor(Number(input.value) || 0));
  });
  return h(
    "div",
    { class: "line", "data-code": item.code },
    h("div", { class: "line-text" }, h("p", { class: "line-name" }, item.name), h("p", { class: "muted" }, t("claim.ordered", { n: item.qty }))),
    h("label", { class: "received" }, h("span", { class: "muted small" }, t("claim.received")), input),
  );
}

/** What is wrong with the chosen photos (the service checks again), or "". */
export function photoProblem(files) {
  if (files.length > MAX_PHOTOS) return t("claim.too_many", { n: MAX_PHOTOS });
  for (const file of files) {
    if (file.type && !PHOTO_TYPES.includes(file.type)) return t("claim.not_image", { name: file.name });
    if (file.size > MAX_PHOTO_BYTES) return t("claim.too_big", { name: file.name, mb: MAX_PHOTO_MB });
  }
  return "";
}

/** List the chosen photos with their sizes and say at once when they will not pass. */
export function onPhotosChosen() {
  const files = [...$("claim-photos").files];
  $("claim-files").replaceChildren(
    ...files.map((f) => h("li", {}, `${f.name} · ${formatSize(f.size)}`)),
  );
  formError($("claim-form"), photoProblem(files));
}

/** Check and send the claim; resolves true once the service has it. */
export async function submitClaim(onAuth) {
  const form = $("claim-form");
  const files = [...$("claim-photos").files];
  const problem = photoProblem(files);
  if (problem) return formError(form, problem), false;
  const text = $("claim-text").value;
  const lines = claim.order.items
    .map((item) => ({ code: item.code, ordered: item.qty, received: claim.received[item.code] ?? item.qty }))
    .filter((line) => line.received !== line.ordered);
  if (!text.trim() && !lines.length && !files.length) return formError(form, t("claim.empty")), false;
  const progress = $("claim-progress");
  progress.value = 0;
  progress.hidden = false;
  const button = form.querySelector('button[type="submit"]');
  const fields = {
    claim_id: claim.claimId,
    order_id: String(claim.order.id),
    text,
    lines: JSON.stringify(lines),
  };
  const answer = await submitForm(
    form,
    () =>
      sendClaim(fields, files, (pct) => {
        progress.value = pct;
        button.textContent = t("claim.busy", { pct });
      }),
    { busyText: t("claim.busy", { pct: 0 }), onAuth },
  );
  progress.hidden = true;
  if (answer === null) return false;
  claim = null;
  form.reset();
  $("claim-files").replaceChildren();
  return true;
}
