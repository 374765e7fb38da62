// The extra load of the during_* scenarios, in a process of its own (forked by gen.js).
//
// Students' laptops uploading photos and a room of phones sending feedback are other devices than
// the phones whose slides are measured. Run inside the measuring generator, the load's own work
// (building 100 MB of multipart bodies, 300 requests at once) delayed the generator's event loop by
// hundreds of milliseconds, and that delay was counted as slide latency. Here it has its own loop;
// the server still gets all of it at once.
//
// Protocol: one message {kind: "uploads" | "feedback", url, referer, ...}; one answer
// {load, load_ms, load_statuses} (or {error}).
"use strict";
const fs = require("fs");
const { performance } = require("perf_hooks");

async function csrfOf(m, cookie, path) {
  const r = await fetch(m.url + path, { headers: { Cookie: cookie, Referer: m.referer } });
  const found = (await r.text()).match(/name="csrf-token" content="([^"]+)"/);
  if (!found) throw new Error(`no csrf-token on ${path}`);
  return found[1];
}

// m.uploads: [{cookie, file}], one student's photo or PDF each, all at once
async function uploads(m) {
  return Promise.all(m.uploads.map(async ({ cookie, file }) => {
    const token = await csrfOf(m, cookie, "/portfolio/");
    const form = new FormData();
    form.append("files", new Blob([fs.readFileSync(file)]), file.split("/").pop());
    const r = await fetch(m.url + "/portfolio/upload", {
      method: "POST", body: form, headers: { Cookie: cookie, "X-CSRFToken": token, "HX-Request": "true", Referer: m.referer },
    });
    await r.arrayBuffer();
    return r.status;
  }));
}

// m.phones: [{cookie, csrf, code, position, key}], every phone sending one question at once
async function feedback(m) {
  return Promise.all(m.phones.map(async (f, i) => {
    const body = new URLSearchParams({ kind: "question", body: `How did you choose this? (${i})`,
                                       position: String(f.position), client_key: f.key, csrf_token: f.csrf });
    const r = await fetch(`${m.url}/live/${f.code}/feedback`, {
      method: "POST", body, headers: { Cookie: f.cookie, "HX-Request": "true", Referer: m.referer,
                                       "Content-Type": "application/x-www-form-urlencoded" },
    });
    await r.arrayBuffer();
    return r.status;
  }));
}

process.on("message", async (m) => {
  const started = performance.now();
  try {
    const statuses = await (m.kind === "uploads" ? uploads(m) : feedback(m));
    process.send({ load: m.kind, load_ms: Math.round(performance.now() - started),
                   load_statuses: statuses.reduce((acc, s) => ({ ...acc, [s]: (acc[s] || 0) + 1 }), {}) });
  } catch (e) {
    process.send({ load: m.kind, error: String(e) });
  }
});
process.on("disconnect", () => process.exit(0));
