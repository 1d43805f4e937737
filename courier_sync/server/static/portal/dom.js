// DOM building without innerHTML (everything from the service is data, shown as text) and the
// one way every form reports a failed send: the message next to it, the typed text kept.

import { AuthError, NetworkError, RejectedError } from "./api.js";
import { t } from "./i18n.js";

/** h("p", {class: "x"}, "text", child): an element whose texts are set as text, never markup. */
export function h(tag, attrs = {}, ...children) {
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

export const $ = (id) => document.getElementById(id);

/** Show (or with "" hide) the form's error line. */
export function formError(form, text) {
  const line = form.querySelector("[data-error]");
  line.textContent = text;
  line.hidden = !text;
  form.classList.toggle("unsent", Boolean(text));
}

/**
 * Run `send()` for a form: the button is busy meanwhile; on a refusal the service's detail is
 * shown, offline or a server fault says "not sent, try again"; the inputs are never cleared.
 * A 401 goes to `onAuth` (the form stays as typed for after the sign-in). Resolves with the
 * answer, or null when it failed.
 */
export async function submitForm(form, send, { busyText, onAuth }) {
  const button = form.querySelector('button[type="submit"]');
  let retry = false;
  button.disabled = true;
  button.textContent = busyText;
  formError(form, "");
  try {
    return await send();
  } catch (err) {
    if (err instanceof AuthError) {
      onAuth(err);
    } else if (err instanceof RejectedError) {
      formError(form, err.detail || err.message);
    } else {
      retry = true;
      formError(form, t(err instanceof NetworkError && err.status ? "form.server" : "form.offline"));
    }
    return null;
  } finally {
    button.disabled = false;
    button.textContent = t(retry ? "form.retry" : button.dataset.t);
  }
}
