// Formatting for the courier's screen: roubles from kopecks, phone numbers, dates, times.
// Pure functions, no DOM: easy to read and to test.

const NBSP = "\u00a0";

/** 123450 -> "1 234,50 ₽" (groups split by a no-break space, comma before kopecks). */
export function formatRub(kop) {
  const value = Number.isFinite(kop) ? Math.round(kop) : 0;
  const sign = value < 0 ? "−" : "";
  const abs = Math.abs(value);
  const rub = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const cents = String(abs % 100).padStart(2, "0");
  return `${sign}${rub},${cents}${NBSP}₽`;
}

/** 123450 -> "1234,50": how the amount is prefilled in an input the courier edits. */
export function kopToInput(kop) {
  const abs = Math.abs(Math.round(kop || 0));
  return `${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

/** "1 234,5" / "1234.50" / "1234" -> kopecks; null when it is not an amount. */
export function parseRub(text) {
  const clean = String(text ?? "")
    .replace(/[\s\u00a0\u202f₽]/g, "")
    .replace(/руб\.?/i, "")
    .replace(",", ".");
  if (!/^\d+(\.\d{0,2})?$/.test(clean)) return null;
  const [whole, frac = ""] = clean.split(".");
  const kop = Number(whole) * 100 + Number(frac.padEnd(2, "0"));
  return Number.isSafeInteger(kop) ? kop : null;
}

/** "+79161234567" -> "+7 916 123-45-67"; other numbers are shown as they come. */
export function formatPhone(e164) {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(e164 || "");
  return m ? `+7${NBSP}${m[1]}${NBSP}${m[2]}-${m[3]}-${m[4]}` : e164 || "";
}

/** The href of a tap-to-call link: only digits and a leading plus survive. */
export function telHref(e164) {
  return `tel:${String(e164 || "").replace(/[^\d+]/g, "")}`;
}

/** A `geo:` link a map app on the phone opens (coordinates when known, else a search). */
export function geoHref(address) {
  if (!address) return null;
  const { lat, lon } = address;
  const query = encodeURIComponent(address.text || "");
  if (Number.isFinite(lat) && Number.isFinite(lon)) return `geo:${lat},${lon}?q=${lat},${lon}(${query})`;
  return query ? `geo:0,0?q=${query}` : null;
}

/** "10:00", "12:00" -> "10:00–12:00"; either side may be missing. */
export function formatWindow(start, end) {
  if (start && end) return `${start}–${end}`;
  if (start) return `с ${start}`;
  if (end) return `до ${end}`;
  return "в течение дня";
}

/** A local date as "YYYY-MM-DD" (what the API's `date` parameter wants). */
export function isoDate(d = new Date()) {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, "0");
  return `${y}-${m}-${day}`;
}

/** "2024-05-24" shifted by n days. */
export function addDays(iso, n) {
  const [y, m, d] = iso.split("-").map(Number);
  return isoDate(new Date(y, m - 1, d + n));
}

const WEEKDAYS = ["вс", "пн", "вт", "ср", "чт", "пт", "сб"];
const MONTHS = [
  "января", "февраля", "марта", "апреля", "мая", "июня",
  "июля", "августа", "сентября", "октября", "ноября", "декабря",
];

/** "2024-05-24" -> "пт, 24 мая". */
export function formatDay(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(y, m - 1, d);
  return `${WEEKDAYS[date.getDay()]}, ${d}${NBSP}${MONTHS[m - 1]}`;
}

/** The heading of the list: "Задачи на сегодня" / "на завтра" / "на 24 мая". */
export function dayHeading(iso, today = isoDate()) {
  if (iso === today) return "Задачи на сегодня";
  if (iso === addDays(today, 1)) return "Задачи на завтра";
  if (iso === addDays(today, -1)) return "Задачи на вчера";
  const [, m, d] = iso.split("-").map(Number);
  return `Задачи на ${d}${NBSP}${MONTHS[m - 1]}`;
}

/** A timestamp as "14:03". */
export function formatClock(ms) {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** Now as an ISO datetime with the phone's UTC offset: "2024-05-24T14:03:07+03:00". */
export function isoNowWithOffset(d = new Date()) {
  const pad = (n) => String(Math.abs(Math.trunc(n))).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  return (
    `${isoDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(off / 60)}:${pad(off % 60)}`
  );
}

/** Russian plural: plural(3, "бутыль", "бутыли", "бутылей") -> "бутыли". */
export function plural(n, one, few, many) {
  const a = Math.abs(n) % 100;
  const b = a % 10;
  if (a > 10 && a < 20) return many;
  if (b > 1 && b < 5) return few;
  if (b === 1) return one;
  return many;
}

/** A random UUID, also where crypto.randomUUID is missing (plain http on a LAN). */
export function newEventId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
