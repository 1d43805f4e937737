// The portal's words in Russian (the default) and English. t("key", {n: 3}) fills {n}.
// The choice is remembered in localStorage; without one the browser's language decides.

const STORE_KEY = "dd.portal.lang";

const RU = {
  title: "Личный кабинет",
  brand: "Доставка воды · личный кабинет",
  "signin.title": "Вход",
  "signin.login": "Телефон или e-mail",
  "signin.password": "Пароль",
  "signin.button": "Войти",
  "signin.busy": "Входим…",
  "signin.hint": "Нет пароля? Попросите у оператора приглашение — придёт ссылка.",
  "signin.bad": "Неверный логин или пароль.",
  "signin.ended": "Сеанс завершён. Войдите снова.",
  "signin.empty": "Введите логин и пароль.",
  "redeem.title": "Приглашение",
  "redeem.sub": "Придумайте логин и пароль для входа.",
  "redeem.login": "Логин (ваш телефон или e-mail)",
  "redeem.password": "Пароль (не меньше 8 символов)",
  "redeem.confirm": "Пароль ещё раз",
  "redeem.button": "Сохранить и войти",
  "redeem.short_login": "Логин — от 3 до 100 символов.",
  "redeem.short": "Пароль — не меньше 8 символов.",
  "redeem.mismatch": "Пароли не совпадают.",
  "nav.home": "Доставки",
  "nav.order": "Заказать",
  "nav.history": "История",
  "nav.messages": "Сообщения",
  "nav.account": "Счёт",
  "lang.switch": "EN",
  "lang.name": "English",
  logout: "Выйти",
  refresh: "Обновить",
  "home.title": "Мои доставки",
  "home.empty": "Активных доставок нет.",
  "home.order": "Заказать воду",
  "home.updated": "Обновлено в {time}",
  "state.to_confirm": "Ждёт подтверждения",
  "state.taken": "Принят",
  "state.sent": "Передан курьеру",
  "state.on_phone": "У курьера",
  "state.accepted": "Курьер в пути",
  "state.delivered": "Доставлен",
  "state.failed": "Не доставлен",
  "state.cancelled": "Отменён",
  "state.rejected": "Отклонён",
  "order.number": "Заказ № {id}",
  "order.new": "Новый заказ",
  "order.pending": "Заявка с сайта",
  "order.any_day": "дата уточняется",
  "order.any_time": "в течение дня",
  "order.failed_note": "Перенесём доставку: {note}",
  "order.claim": "Претензия",
  "order.repeat": "Повторить",
  "history.title": "История заказов",
  "history.empty": "Заказов пока нет.",
  "history.more": "Показать ещё",
  "new.title": "Новый заказ",
  "new.repeat_title": "Повтор заказа № {id}",
  "new.catalog": "Что привезти",
  "new.date": "Дата",
  "new.window": "Время",
  "new.comment": "Комментарий",
  "new.comment_ph": "Например: позвонить за час",
  "new.total": "Итого",
  "new.submit": "Заказать",
  "new.busy": "Отправляем…",
  "new.empty": "Выберите хотя бы один товар.",
  "new.no_date": "Выберите дату с {first} по {last}.",
  "new.no_window": "Выберите время доставки.",
  "new.sent": "Заказ отправлен. Оператор подтвердит его.",
  "new.no_catalog": "Каталог пока недоступен. Позвоните нам.",
  "new.minus": "Меньше",
  "new.plus": "Больше",
  "form.offline": "Не отправлено: нет связи. Всё, что вы ввели, сохранено — попробуйте ещё раз.",
  "form.server": "Не отправлено: сервер не ответил. Попробуйте ещё раз.",
  "form.retry": "Отправить ещё раз",
  "load.offline": "Нет связи. Показаны последние данные.",
  "load.failed": "Не удалось загрузить. Попробуйте ещё раз.",
  "account.title": "Счёт",
  "account.bottles": "Бутыли (залог)",
  "account.bottles_n": "{n} у вас",
  "account.settlements": "Взаиморасчёты по месяцам",
  "account.month": "Месяц",
  "account.orders": "Заказов",
  "account.delivered": "Доставлено на сумму",
  "account.login": "Вход: {login}",
  "claim.title": "Претензия по заказу № {id}",
  "claim.text": "Что случилось",
  "claim.text_ph": "Опишите своими словами",
  "claim.lines": "Что привезли",
  "claim.ordered": "заказано {n}",
  "claim.received": "Получено",
  "claim.photos": "Фото (до {n} шт., до {mb} МБ каждое)",
  "claim.too_many": "Не больше {n} фото.",
  "claim.too_big": "Фото «{name}» больше {mb} МБ.",
  "claim.not_image": "«{name}» — не фото (нужен JPEG, PNG или WebP).",
  "claim.empty": "Опишите, что случилось, или укажите, сколько получено.",
  "claim.submit": "Отправить претензию",
  "claim.busy": "Загружаем… {pct}%",
  "claim.sent": "Претензия отправлена. Мы ответим в сообщениях.",
  "claim.status": "Претензия: {status}",
  "messages.title": "Сообщения",
  "messages.empty": "Напишите нам — ответим здесь.",
  "messages.ph": "Ваше сообщение",
  "messages.send": "Отправить",
  "messages.empty_text": "Напишите текст сообщения.",
  "messages.you": "Вы",
  "messages.company": "Компания",
  "messages.unsent": "Не отправлено",
  "rub.sign": "₽",
  pcs: "шт.",
};

const EN = {
  title: "Client portal",
  brand: "Water delivery · client portal",
  "signin.title": "Sign in",
  "signin.login": "Phone or e-mail",
  "signin.password": "Password",
  "signin.button": "Sign in",
  "signin.busy": "Signing in…",
  "signin.hint": "No password? Ask the operator for an invitation link.",
  "signin.bad": "Wrong login or password.",
  "signin.ended": "Your session has ended. Please sign in again.",
  "signin.empty": "Enter your login and password.",
  "redeem.title": "Invitation",
  "redeem.sub": "Choose a login and a password.",
  "redeem.login": "Login (your phone or e-mail)",
  "redeem.password": "Password (at least 8 characters)",
  "redeem.confirm": "Password again",
  "redeem.button": "Save and sign in",
  "redeem.short_login": "The login is 3 to 100 characters.",
  "redeem.short": "The password needs at least 8 characters.",
  "redeem.mismatch": "The passwords differ.",
  "nav.home": "Deliveries",
  "nav.order": "Order",
  "nav.history": "History",
  "nav.messages": "Messages",
  "nav.account": "Account",
  "lang.switch": "RU",
  "lang.name": "Русский",
  logout: "Sign out",
  refresh: "Refresh",
  "home.title": "My deliveries",
  "home.empty": "No active deliveries.",
  "home.order": "Order water",
  "home.updated": "Updated at {time}",
  "state.to_confirm": "Waiting for confirmation",
  "state.taken": "Taken",
  "state.sent": "Sent to the courier",
  "state.on_phone": "On the courier's phone",
  "state.accepted": "Courier on the way",
  "state.delivered": "Delivered",
  "state.failed": "Not delivered",
  "state.cancelled": "Cancelled",
  "state.rejected": "Rejected",
  "order.number": "Order #{id}",
  "order.new": "New order",
  "order.pending": "Order from the portal",
  "order.any_day": "date to be agreed",
  "order.any_time": "any time of day",
  "order.failed_note": "We will reschedule: {note}",
  "order.claim": "Claim",
  "order.repeat": "Repeat",
  "history.title": "Order history",
  "history.empty": "No orders yet.",
  "history.more": "Show more",
  "new.title": "New order",
  "new.repeat_title": "Repeat order #{id}",
  "new.catalog": "What to bring",
  "new.date": "Date",
  "new.window": "Time",
  "new.comment": "Comment",
  "new.comment_ph": "E.g. call an hour before",
  "new.total": "Total",
  "new.submit": "Place order",
  "new.busy": "Sending…",
  "new.empty": "Choose at least one item.",
  "new.no_date": "Choose a date from {first} to {last}.",
  "new.no_window": "Choose a delivery time.",
  "new.sent": "Order sent. An operator will confirm it.",
  "new.no_catalog": "The catalogue is not available yet. Please call us.",
  "new.minus": "Fewer",
  "new.plus": "More",
  "form.offline": "Not sent: no connection. Everything you typed is kept — try again.",
  "form.server": "Not sent: the server did not answer. Try again.",
  "form.retry": "Send again",
  "load.offline": "No connection. Showing the last data.",
  "load.failed": "Could not load. Try again.",
  "account.title": "Account",
  "account.bottles": "Bottles (deposit)",
  "account.bottles_n": "{n} with you",
  "account.settlements": "Settlements by month",
  "account.month": "Month",
  "account.orders": "Orders",
  "account.delivered": "Delivered amount",
  "account.login": "Signed in as {login}",
  "claim.title": "Claim on order #{id}",
  "claim.text": "What happened",
  "claim.text_ph": "Describe it in your own words",
  "claim.lines": "What was delivered",
  "claim.ordered": "ordered {n}",
  "claim.received": "Received",
  "claim.photos": "Photos (up to {n}, {mb} MB each)",
  "claim.too_many": "At most {n} photos.",
  "claim.too_big": "Photo “{name}” is over {mb} MB.",
  "claim.not_image": "“{name}” is not a photo (JPEG, PNG or WebP).",
  "claim.empty": "Describe what happened or say how many were received.",
  "claim.submit": "Send claim",
  "claim.busy": "Uploading… {pct}%",
  "claim.sent": "Claim sent. We will answer in Messages.",
  "claim.status": "Claim: {status}",
  "messages.title": "Messages",
  "messages.empty": "Write to us — we answer here.",
  "messages.ph": "Your message",
  "messages.send": "Send",
  "messages.empty_text": "Type a message.",
  "messages.you": "You",
  "messages.company": "Company",
  "messages.unsent": "Not sent",
  "rub.sign": "₽",
  pcs: "pcs",
};

export const LANGS = { ru: RU, en: EN };

/** The language to start with: the remembered choice, else the browser's, else Russian. */
export function initialLang(storage = globalThis.localStorage, languages = navigator.languages) {
  const saved = storage?.getItem(STORE_KEY);
  if (saved && saved in LANGS) return saved;
  const first = (languages && languages[0]) || navigator.language || "ru";
  return first.toLowerCase().startsWith("en") ? "en" : "ru";
}

let current = "ru";

/** Switch the language (remembered) and mark the document with it. */
export function setLang(lang) {
  current = lang in LANGS ? lang : "ru";
  try {
    localStorage.setItem(STORE_KEY, current);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = current;
}

export function lang() {
  return current;
}

/** The text of `key` in the current language with {name} filled from `vars`. */
export function t(key, vars = {}) {
  const text = LANGS[current][key] ?? RU[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** Every [data-t] element gets its text, every [data-t-ph] its placeholder, [data-t-label] its aria-label. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll("[data-t-ph]")) el.placeholder = t(el.dataset.tPh);
  for (const el of root.querySelectorAll("[data-t-label]")) {
    el.setAttribute("aria-label", t(el.dataset.tLabel));
  }
  document.title = t("title");
}
