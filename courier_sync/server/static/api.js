// The sync service's courier API (see the contract): every call carries the device token.
// Errors are sorted into what the screen needs to know: offline, auth, or a definite answer.

/** The API lives next to the app: /courier/ -> /api/v1/ (works behind a path prefix too). */
const API_BASE = new URL("../api/v1/", document.baseURI || location.href);

export const REQUEST_TIMEOUT_MS = 15000;

/** The request never reached a verdict: no network, timeout, or a server-side failure (5xx). */
export class NetworkError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = "NetworkError";
    this.status = status;
  }
}

/** The service refused the token; `reason`: "expired", "revoked" or "unknown" (the service's). */
export class AuthError extends Error {
  constructor(message, reason = "unknown") {
    super(message);
    this.name = "AuthError";
    this.reason = reason;
  }
}

/**
 * A definite answer other than success (404, 409, 422, ...): retrying will not change it.
 * `reason` and `retryAfter` come with pairing refusals (a 429 there is an answer, not a fault).
 */
export class RejectedError extends Error {
  constructor(status, detail, reason = null, retryAfter = null) {
    super(detail || `HTTP ${status}`);
    this.name = "RejectedError";
    this.status = status;
    this.detail = detail;
    this.reason = reason;
    this.retryAfter = retryAfter;
  }
}

function readableDetail(body) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  }
  return "";
}

async function request(token, method, path, { body, timeoutMs = REQUEST_TIMEOUT_MS, signal } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const cancel = () => controller.abort();
  if (signal) signal.addEventListener("abort", cancel, { once: true });
  let response;
  try {
    response = await fetch(new URL(path, API_BASE), {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        Accept: "application/json",
        ...(body ? { "Content-Type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      cache: "no-store",
      signal: controller.signal,
    });
  } catch (err) {
    throw new NetworkError(controller.signal.aborted ? "timeout" : String(err));
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener("abort", cancel);
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.ok) return payload;
  if (response.status === 401 && path !== "pair") {
    throw new AuthError(readableDetail(payload) || "unauthorized", payload && payload.reason);
  }
  if (payload && typeof payload.reason === "string") {
    const retryAfter = Number(response.headers.get("Retry-After")) || null;
    throw new RejectedError(response.status, readableDetail(payload), payload.reason, retryAfter);
  }
  if (response.status === 401 || response.status === 403) {
    throw new AuthError(readableDetail(payload) || "unauthorized");
  }
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    throw new NetworkError(`HTTP ${response.status}`, response.status);
  }
  throw new RejectedError(response.status, readableDetail(payload));
}

export function fetchMe(token) {
  return request(token, "GET", "courier/me");
}

/** A fresh device token for this one (which ends a few minutes later): {token, expires_at}. */
export function renewToken(token) {
  return request(token, "POST", "courier/token/renew");
}

export function fetchTasks(token, date) {
  return request(token, "GET", `courier/tasks?date=${encodeURIComponent(date)}`);
}

/** Long-poll: resolves with {revision} when the courier's tasks change or `wait` runs out. */
export function waitForChanges(token, revision, wait, signal) {
  return request(token, "GET", `courier/changes?after=${revision}&wait=${wait}`, {
    timeoutMs: (wait + 15) * 1000,
    signal,
  });
}

export function postEvent(token, event) {
  return request(token, "POST", `courier/tasks/${encodeURIComponent(event.task_id)}/events`, {
    body: event,
  });
}

/** Trade a one-time pairing code for this phone's device token: {token, courier_id}. */
export function pairDevice(code) {
  return request(null, "POST", "pair", { body: { code } });
}
