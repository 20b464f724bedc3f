/* The API (/api/v1/) as the app calls it: with the device token, an Idempotency-Key for an
 * outbox item, never a cookie, never for ever; and the messages of a refusal.
 */
(() => {
  "use strict";

  const app = window.SisoApp;
  const { getMeta, text } = app;

  const REQUEST_TIMEOUT_MS = 30 * 1000;

  class Revoked extends Error {}
  class Unreachable extends Error {}

  async function api(path, { method = "GET", body, key, token } = {}) {
    const headers = { Accept: "application/json" };
    const bearer = token === undefined ? await getMeta("token") : token;
    if (bearer) headers.Authorization = `Token ${bearer}`;
    // A FormData (an item with files) sets its own multipart Content-Type.
    const multipart = body instanceof FormData;
    if (body !== undefined && !multipart) headers["Content-Type"] = "application/json";
    if (key) headers["Idempotency-Key"] = key;
    // A request that hangs (a dead network) must not hold the outbox's lock for ever.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), REQUEST_TIMEOUT_MS);
    try {
      return await fetch(path, {
        method,
        headers,
        body: body === undefined || multipart ? body : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit", // the token only: never a web session's cookie
        signal: timeout.signal,
      });
    } catch (error) {
      throw new Unreachable(String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  async function messagesOf(response) {
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    const messages = [];
    const collect = (value) => {
      if (typeof value === "string") messages.push(value);
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect(data && data.errors ? data.errors : data);
    return {
      data,
      message: messages.length ? messages.join(" ") : text("server_error", { status: response.status }),
    };
  }

  Object.assign(app, { Revoked, Unreachable, api, messagesOf });
})();
