// Signing the phone in with a one-time code: the texts of the sign-in view (Russian, and
// English on phones set to another language), the code's format, and the #pair=… link.

export const CODE_DIGITS = 8;

const TEXTS = {
  ru: {
    label: "Код подключения",
    button: "Подключить телефон",
    busy: "Подключаем…",
    or: "или вставьте токен устройства",
    hint: "Код и QR-код выдаёт старший смены. Наведите камеру телефона на QR-код или введите код.",
    malformed: "Код — 8 цифр, например 1234 5678.",
    unknown: "Такого кода нет. Проверьте цифры или попросите новый код у старшего смены.",
    used: "Этот код уже использован. Попросите новый код у старшего смены.",
    expired: "Срок действия кода истёк. Попросите новый код у старшего смены.",
    void: "Этот код заменён новым или отменён. Попросите у старшего смены последний код.",
    rateLimited: (minutes) =>
      `Слишком много неверных кодов. Подождите ${minutes} мин и попробуйте снова.`,
    offline: "Нет связи с сервером. Проверьте интернет и попробуйте ещё раз.",
    server: (detail) => `Сервер ответил ошибкой: ${detail}`,
    paired: "Телефон подключён.",
    signInExpired:
      "Срок входа истёк: телефоном долго не пользовались. Подключите его заново — попросите у старшего смены новый код.",
    tokenRefused:
      "Токен не принят: возможно, его отозвали. Попросите у старшего смены новый код подключения.",
    queuedKept: (count) => `Неотправленные действия (${count}) сохранены и уйдут после входа.`,
  },
  en: {
    label: "Sign-in code",
    button: "Connect this phone",
    busy: "Connecting…",
    or: "or paste a device token",
    hint: "The shift lead gives you the code and its QR code. Point the phone's camera at the QR code or type the code.",
    malformed: "The code is 8 digits, like 1234 5678.",
    unknown: "No such code. Check the digits or ask the shift lead for a new code.",
    used: "This code has already been used. Ask the shift lead for a new one.",
    expired: "This code has expired. Ask the shift lead for a new one.",
    void: "This code was replaced by a newer one or cancelled. Ask the shift lead for the latest code.",
    rateLimited: (minutes) => `Too many wrong codes. Wait ${minutes} min and try again.`,
    offline: "No connection to the server. Check the internet and try again.",
    server: (detail) => `The server answered with an error: ${detail}`,
    paired: "Phone connected.",
    signInExpired:
      "Your sign-in has expired: the phone was not used for a long time. Connect it again: ask the shift lead for a new code.",
    tokenRefused:
      "The token was not accepted: it may have been revoked. Ask the shift lead for a new sign-in code.",
    queuedKept: (count) => `Unsent actions (${count}) are kept and will be sent after you sign in.`,
  },
};

/** Russian for Russian-language phones (and by default), English for any other language. */
export function language(languages = navigator.languages || [navigator.language]) {
  const first = (languages[0] || "ru").toLowerCase();
  return first.startsWith("ru") ? "ru" : "en";
}

export const texts = TEXTS[language()];

/** The digits of a code as typed ("1234 5678", "1234-5678"), or null if it is not a code. */
export function normalizeCode(raw) {
  const code = String(raw || "").replace(/[\s\-‐-―.]+/g, "");
  return new RegExp(`^[0-9]{${CODE_DIGITS}}$`).test(code) ? code : null;
}

/** "12345678" -> "1234 5678": easier to read back to the shift lead. */
export function displayCode(code) {
  return code.length === CODE_DIGITS ? `${code.slice(0, 4)} ${code.slice(4)}` : code;
}

/**
 * The code of a /courier/#pair=CODE link (the QR code), removed from the address at once so
 * that it stays out of the history, bookmarks and a reload; null when there is none.
 */
export function codeFromLink() {
  const params = new URLSearchParams(location.hash.slice(1));
  const code = params.get("pair");
  if (code === null) return null;
  params.delete("pair");
  const rest = params.toString();
  history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  return code;
}

/** What to tell the courier about a refused code, by the service's `reason`. */
export function refusalText(reason, retryAfterS, detail) {
  switch (reason) {
    case "malformed":
      return texts.malformed;
    case "unknown":
      return texts.unknown;
    case "used":
      return texts.used;
    case "expired":
      return texts.expired;
    case "void":
      return texts.void;
    case "rate_limited":
      return texts.rateLimited(Math.max(1, Math.ceil((retryAfterS || 60) / 60)));
    default:
      return texts.server(detail || "?");
  }
}

/** Why the phone is back at the sign-in view, by the service's refusal `reason`. */
export function signedOutText(reason, queued) {
  const why = reason === "expired" ? texts.signInExpired : texts.tokenRefused;
  return queued ? `${why} ${texts.queuedKept(queued)}` : why;
}

/** Put the view's texts in the page's language. */
export function translateSignIn(document) {
  document.getElementById("pair-label").textContent = texts.label;
  document.getElementById("pair-button").textContent = texts.button;
  document.getElementById("login-or").textContent = texts.or;
  document.getElementById("login-hint").textContent = texts.hint;
}
