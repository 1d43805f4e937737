// Formatting for the portal in the page's language: roubles from kopecks, dates, months,
// windows; and the ids a form makes once. Pure functions, no DOM.

const LOCALES = { ru: "ru-RU", en: "en-GB" };

function locale(lang) {
  return LOCALES[lang] || LOCALES.ru;
}

/** 123450 -> "1 234,50 ₽" (ru) / "₽1,234.50" (en). */
export function formatRub(kop, lang) {
  const value = Number.isFinite(kop) ? kop : 0;
  return new Intl.NumberFormat(locale(lang), { style: "currency", currency: "RUB", currencyDisplay: "narrowSymbol" }).format(value / 100);
}

/** "2024-05-24" -> "пт, 24 мая" / "Fri 24 May". */
export function formatDate(iso, lang) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(locale(lang), { weekday: "short", day: "numeric", month: "long" }).format(
    new Date(y, m - 1, d),
  );
}

/** "2024-05" -> "май 2024" / "May 2024". */
export function formatMonth(month, lang) {
  const [y, m] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(locale(lang), { month: "long", year: "numeric" }).format(new Date(y, m - 1, 1));
}

/** An ISO datetime as "24 мая, 14:03" in the phone's zone. */
export function formatStamp(iso, lang) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(locale(lang), {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
}

/** The time of day now as "14:03". */
export function clock(date = new Date()) {
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

/** "10:00", "12:00" -> "10:00–12:00"; null when there is no window. */
export function windowText(start, end) {
  return start && end ? `${start}–${end}` : null;
}

/** A form's id, made once and kept across retries so the service can spot a repeat. */
export function newRequestId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // Plain http on a LAN has no randomUUID: a v4 uuid from getRandomValues.
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A file's size for a person: "350 KB", "4.2 MB". */
export function formatSize(bytes) {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
