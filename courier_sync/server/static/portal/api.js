// The portal API (/portal/api/v1, courier_sync/portal_contract.py): the session is an HttpOnly
// cookie; every POST carries `X-Portal: 1`. Errors are sorted into what a screen must know:
// signed out (401), offline/server trouble (retry), or the service's definite answer (detail).

/** The API lives under the pages: /portal/ -> /portal/api/v1/. */
const API_BASE = new URL("api/v1/", document.baseURI || location.href);

export const REQUEST_TIMEOUT_MS = 20000;

/** No verdict: no network, a timeout or a 5xx. The same request may be sent again. */
export class NetworkError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = "NetworkError";
    this.status = status;
  }
}

/** The session is over (expired, revoked, signed out elsewhere) or the sign-in was refused. */
export class AuthError extends Error {
  constructor(detail) {
    super(detail || "unauthorized");
    this.name = "AuthError";
    this.detail = detail;
  }
}

/** A definite answer (404, 409, 413, 422…): the same request would get it again. */
export class RejectedError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.name = "RejectedError";
    this.status = status;
    this.detail = detail;
  }
}

/** The service's `detail` as one readable line (FastAPI's 422 lists the bad fields). */
export function readableDetail(body) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d) => {
        const where = (d.loc || []).filter((p) => p !== "body").join(".");
        return where ? `${where}: ${d.msg}` : d.msg;
      })
      .join("; ");
  }
  return "";
}

/** Turn a finished response (status + parsed body) into a value or one of the errors above. */
function verdict(status, payload) {
  if (status >= 200 && status < 300) return payload;
  const detail = readableDetail(payload);
  if (status === 401) throw new AuthError(detail);
  if (status >= 500 || status === 408 || status === 429) throw new NetworkError(`HTTP ${status}`, status);
  throw new RejectedError(status, detail);
}

async function request(method, path, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(new URL(path, API_BASE), {
      method,
      headers: {
        Accept: "application/json",
        ...(method === "POST" ? { "X-Portal": "1" } : {}),
        ...(body ? { "Content-Type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
    });
  } catch (err) {
    throw new NetworkError(controller.signal.aborted ? "timeout" : String(err));
  } finally {
    clearTimeout(timer);
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  return verdict(response.status, payload);
}

export const api = {
  me: () => request("GET", "me"),
  login: (login, password) => request("POST", "login", { login, password }),
  redeem: (code, login, password) => request("POST", "redeem", { code, login, password }),
  logout: () => request("POST", "logout"),
  deliveries: () => request("GET", "deliveries"),
  history: (before) => request("GET", before ? `orders?before=${encodeURIComponent(before)}` : "orders"),
  order: (id) => request("GET", `orders/${encodeURIComponent(id)}`),
  catalog: () => request("GET", "catalog"),
  placeOrder: (body) => request("POST", "orders", body),
  repeatOrder: (id, body) => request("POST", `orders/${encodeURIComponent(id)}/repeat`, body),
  bottles: () => request("GET", "bottles"),
  settlements: () => request("GET", "settlements"),
  messages: () => request("GET", "messages"),
  sendMessage: (body) => request("POST", "messages", body),
};

/**
 * POST /claims as multipart with upload progress (fetch has none): `onProgress(0..100)`.
 * `fields` are strings; `photos` a list of File.
 */
export function sendClaim(fields, photos, onProgress) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const photo of photos) form.append("photos", photo, photo.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", new URL("claims", API_BASE));
    xhr.setRequestHeader("X-Portal", "1");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.timeout = 5 * 60 * 1000; // five photos on a slow mobile line
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
    };
    xhr.onload = () => {
      let payload = null;
      try {
        payload = JSON.parse(xhr.responseText);
      } catch {
        payload = null;
      }
      try {
        resolve(verdict(xhr.status, payload));
      } catch (err) {
        reject(err);
      }
    };
    xhr.onerror = () => reject(new NetworkError("network"));
    xhr.ontimeout = () => reject(new NetworkError("timeout"));
    xhr.send(form);
  });
}
