// Load generator for Showcase's live slides.
//
// Opens N follower connections spread over R conferences (one presenter each),
// through the app's real join flow (target "app") or the reference peer's
// `join` event (target "peer"), then runs scenarios in which every presenter
// advances K times. For every follower and every advance it records the time
// from the presenter's `goto` emit to the matching `slide` arrival (same
// process, same clock) and checks that the follower got every seq in order.
//
// Usage: node gen.js CONFIG.json   (see bench/run.py for the fields)
// Prints progress on stderr and one JSON object per scenario on stdout.
"use strict";
const fs = require("fs");
const { performance, monitorEventLoopDelay } = require("perf_hooks");
const { io } = require("socket.io-client");
const WebSocket = require("ws");
const zlib = require("zlib");

const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const {
  target, // "app" | "peer"
  url, // http://127.0.0.1:PORT, or https:// through nginx (NODE_EXTRA_CA_CERTS trusts its certificate)
  seed, // [{conference, code, username, password}]
  followers: N,
  advances: K,
  scenarios, // ["burst", "staggered"]
  period_ms: PERIOD = 1000,
  wave = 50, // connections opened at once
  http_concurrency: HTTP_CONC = 16,
  settle_ms: SETTLE = 3000, // how long to wait for stragglers after the last advance
  connect_timeout_ms: CONNECT_TIMEOUT = 15000,
  deadline_s: DEADLINE = 300,
  rng_seed: RNG_SEED = 42,
  warmup: W = 1, // unmeasured rounds at the start of each scenario (still checked for misses)
} = cfg;
const T = W + K; // rounds per scenario

const log = (...a) => process.stderr.write(`[gen ${target}] ${a.join(" ")}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hardStop = setTimeout(() => {
  log(`deadline of ${DEADLINE}s reached, giving up`);
  process.exit(3);
}, DEADLINE * 1000);

// Small deterministic PRNG (mulberry32) so runs are comparable.
let rngState = RNG_SEED >>> 0;
function rand() {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// ---------------------------------------------------------------- HTTP flow
// Every phone talks from its own source address (Linux routes all of 127.0.0.0/8 here): nginx hashes
// the address to pick a process, as it would phones on the school's Wi-Fi. They send a Referer, as
// browsers do (over HTTPS, Flask-WTF checks it).
const http = require(url.startsWith("https:") ? "https" : "http");
const ACCEPT = { "Accept-Encoding": "gzip, deflate, br", "User-Agent": "Mozilla/5.0 (Linux; Android 9) bench",
                 Referer: url + "/" };

function request(method, path, { headers = {}, body = null, localAddress }) {
  return new Promise((resolve, reject) => {
    const u = new URL(url + path);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, localAddress,
                               headers: { ...ACCEPT, ...headers, ...(body ? { "Content-Length": Buffer.byteLength(body) } : {}) },
                               agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        let buf = Buffer.concat(chunks);
        const enc = res.headers["content-encoding"];
        try {
          if (enc === "br") buf = zlib.brotliDecompressSync(buf);
          else if (enc === "gzip") buf = zlib.gunzipSync(buf);
          else if (enc === "deflate") buf = zlib.inflateSync(buf);
        } catch (e) { return reject(e); }
        resolve({ status: res.statusCode, headers: res.headers, text: buf.toString() });
      });
    });
    req.on("error", reject);
    req.setTimeout(30000, () => req.destroy(new Error("timeout")));
    if (body) req.write(body);
    req.end();
  });
}

function cookiesOf(res, jar = new Map()) {
  for (const sc of [].concat(res.headers["set-cookie"] || [])) {
    const [pair] = sc.split(";");
    const i = pair.indexOf("=");
    jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
  }
  return jar;
}
const cookieHeader = (jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

function csrfFrom(html) {
  const m =
    html.match(/name="csrf_token"[^>]*value="([^"]+)"/) ||
    html.match(/value="([^"]+)"[^>]*name="csrf_token"/);
  if (!m) throw new Error("no csrf_token in form");
  return m[1];
}

// GET a form, POST it back with the CSRF token; return the cookie header. Signing in answers
// with a redirect (303), joining with the follower page itself (200).
async function formFlow(path, fields, expected, localAddress) {
  const r1 = await request("GET", path, { localAddress });
  if (r1.status !== 200) throw new Error(`GET ${path}: ${r1.status}`);
  const jar = cookiesOf(r1);
  const body = new URLSearchParams({ ...fields, csrf_token: csrfFrom(r1.text) }).toString();
  const r2 = await request("POST", path, {
    localAddress, body, headers: { Cookie: cookieHeader(jar), "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (r2.status !== expected) throw new Error(`POST ${path}: ${r2.status}`);
  cookiesOf(r2, jar);
  if (!jar.has("session")) throw new Error(`POST ${path}: no session cookie`);
  const meta = r2.text.match(/name="csrf-token" content="([^"]+)"/);
  return { cookie: cookieHeader(jar), csrf: meta ? meta[1] : null };
}

// ---------------------------------------------------------------- extra load (during_* scenarios)
// What else a school does while conferences run: students uploading photos and PDFs, a room of
// phones sending feedback at once. Started with the scenario and sent from a process of its own
// (load.js: other devices, so its work does not delay this loop's clock); the slides are measured
// meanwhile.
let loader = null;
function startLoader() {
  if (!loader) loader = require("child_process").fork(require("path").join(__dirname, "load.js"));
}

function extraLoad(message) {
  startLoader();
  return new Promise((resolve) => {
    loader.once("message", resolve);
    loader.send({ url, referer: ACCEPT.Referer, ...message });
  });
}

function uploads(presenters) {
  const files = cfg.upload_files || [];
  return extraLoad({ kind: "uploads", uploads: files.map((file, i) => ({ cookie: presenters[i % presenters.length].cookie, file })) });
}

function feedbackStorm(followers, phones) {
  return extraLoad({ kind: "feedback", phones: followers.slice(0, phones).map((f) => ({
    cookie: f.cookie, csrf: f.csrf, code: f.conf.code, position: f.lastPosition || 0, key: `bench-${f.idx}-${Date.now()}` })) });
}

async function pool(items, conc, fn) {
  let i = 0;
  const workers = Array.from({ length: Math.min(conc, items.length) }, async () => {
    while (i < items.length) {
      const j = i++;
      await fn(items[j], j);
    }
  });
  await Promise.all(workers);
}

// ---------------------------------------------------------------- clients
const ROLES = ["family", "family", "governor", "guest"];

// The presenters' and followers' addresses: 127.1.x.y (the storm's phones have 127.0.x.y).
function makeClient(kind, conf, idx, n) {
  return {
    kind, // "presenter" | "follower"
    conf, // seed entry
    idx,
    address: `127.1.${Math.floor(n / 250)}.${2 + (n % 250)}`,
    cookie: null,
    socket: null,
    lastSeq: -1,
    scenario: null, // per-scenario tracking, set by runScenario
  };
}

// Followers speak Engine.IO 4 / Socket.IO 5 over a bare `ws` socket: the
// same frames a phone's socket.io-client exchanges, without the client
// library's layers, so that 1,000 receivers cost the generator little.
function connectRaw(c) {
  return new Promise((resolve, reject) => {
    const wsUrl = url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket";
    const headers = target === "app" ? { Cookie: c.cookie } : {};
    const s = new WebSocket(wsUrl, { headers, perMessageDeflate: true, localAddress: c.address });
    c.socket = s;
    c.acks = new Map();
    c.nextAck = 0;
    // the subset of socket.io-client's Socket API the scenarios use
    c.emit = (ev, data, cb) => {
      const id = c.nextAck++;
      c.acks.set(id, cb);
      s.send("42" + id + JSON.stringify([ev, data]));
    };
    let synced = false;
    const timer = setTimeout(() => reject(new Error("connect/sync timeout")), CONNECT_TIMEOUT);
    const fail = (msg) => {
      clearTimeout(timer);
      reject(new Error(msg));
    };
    s.on("message", (buf) => {
      const m = buf.toString();
      const t = m.charCodeAt(0);
      if (t === 52 /* "4" message */) {
        const st = m.charCodeAt(1);
        if (st === 51 /* "3" ack */) {
          const open = m.indexOf("[");
          const id = Number(m.slice(2, open));
          const cb = c.acks.get(id);
          c.acks.delete(id);
          if (cb) cb(JSON.parse(m.slice(open))[0]);
        } else if (st === 50 /* "2" event */) {
          const [ev, d] = JSON.parse(m.slice(2));
          if (ev !== "slide" && ev !== "presenter") return;  // the app answers a presenter with its own view
          if (!synced) {
            synced = true;
            clearTimeout(timer);
            c.lastSeq = d.seq;
            c.syncSlide = d;
            resolve();
            return;
          }
          onSlide(c, d);
        } else if (st === 48 /* "0" connect */) {
          if (target === "peer") {
            const j = { code: c.conf.code, conference: c.conf.conference, presenter: c.kind === "presenter" };
            s.send("42" + JSON.stringify(["join", j]));
          }
          s.send('42["sync"]');
        } else if (st === 52 /* "4" connect_error */) {
          fail(`connect_error: ${m.slice(2)}`);
        }
      } else if (t === 50 /* "2" ping */) {
        s.send("3");
      } else if (t === 48 /* "0" open */) {
        s.send("40" + (target === "app" ? JSON.stringify({ conference: c.conf.conference }) : ""));
      } else if (t === 49 /* "1" close */) {
        c.disconnected = "server close";
      }
    });
    s.on("error", (e) => fail(`ws error: ${e.message}`));
    s.on("close", () => {
      c.disconnected = c.disconnected || "closed";
    });
  });
}

function connect(c) {
  if (cfg.client !== "socket.io-client") return connectRaw(c);
  return new Promise((resolve, reject) => {
    const opts = {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT,
      localAddress: c.address,
    };
    if (target === "app") {
      opts.extraHeaders = { Cookie: c.cookie };
      opts.auth = { conference: c.conf.conference };
    }
    const s = io(url, opts);
    c.socket = s;
    c.emit = (ev, data, cb) => s.emit(ev, data, cb);
    const timer = setTimeout(() => reject(new Error("connect/sync timeout")), CONNECT_TIMEOUT);
    let synced = false;
    s.on("slide", (d) => {
      if (!synced) {
        synced = true;
        clearTimeout(timer);
        c.lastSeq = d.seq;
        c.syncSlide = d;
        resolve();
        return;
      }
      onSlide(c, d);
    });
    s.on("connect_error", (e) => {
      clearTimeout(timer);
      reject(new Error(`connect_error: ${e.message}`));
    });
    s.on("disconnect", (reason) => {
      c.disconnected = reason;
    });
    s.on("connect", () => {
      if (target === "peer") {
        s.emit(
          "join",
          { code: c.conf.code, conference: c.conf.conference, presenter: c.kind === "presenter" },
          () => s.emit("sync"),
        );
      } else {
        s.emit("sync");
      }
    });
  });
}

// sentAt[conferenceIndex][k] = performance.now() at the presenter's k-th goto
let sentAt = null;
let expectSeq0 = null; // per conference index, the seq before the scenario
let curScenario = null;

function onSlide(c, d) {
  const now = performance.now();
  if (c.onProbe) c.onProbe(d);
  const sc = c.scenario;
  if (!sc) return;
  if (d.seq <= c.lastSeq) {
    sc.outOfOrder = (sc.outOfOrder || 0) + 1;
    return;
  }
  if (d.seq !== c.lastSeq + 1) sc.gaps = (sc.gaps || 0) + 1;
  c.lastSeq = d.seq;
  if (c.kind !== "follower") return;
  const k = d.seq - expectSeq0[c.confIdx]; // 1..K
  const t0 = sentAt[c.confIdx][k];
  if (!(k >= 1 && k <= T) || t0 === undefined || d.position !== sc.positions[c.confIdx][k]) {
    sc.wrong = (sc.wrong || 0) + 1;
    return;
  }
  sc.got += 1;
  curScenario.received += 1;
  if (k > W) {
    curScenario.lat.push(now - t0);
    curScenario.rounds[k - W - 1].push(now - t0);
  }
}

// CPU time (ms) used so far by processes run.py gave us (utime + stime of each pid and its
// descendants, threads included): the server under test (every app process) or nginx; and by this
// generator.
const CLK_TCK = 100;
function treePids(pid) {
  const out = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop();
    out.push(p);
    try {
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        const kids = fs.readFileSync(`/proc/${p}/task/${t}/children`, "utf8").trim();
        if (kids) todo.push(...kids.split(" ").map(Number));
      }
    } catch {}
  }
  return out;
}
function cpuMs(pids) {
  if (!pids || !pids.length) return null;
  let ms = 0;
  for (const pid of pids.flatMap(treePids)) {
    try {
      const st = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
      ms += ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
    } catch {}
  }
  return ms;
}
const serverCpuMs = () => cpuMs(cfg.server_pids);
const nginxCpuMs = () => cpuMs(cfg.nginx_pids);
function genCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function pct(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

async function runScenario(name, presenters, followers, slidesPerConf) {
  const R = presenters.length;
  sentAt = presenters.map(() => new Array(T + 1));
  expectSeq0 = presenters.map((p) => p.lastSeq);
  const positions = presenters.map((p) => {
    const arr = new Array(T + 1);
    let pos = p.syncSlide.position;
    for (let k = 1; k <= T; k++) {
      pos = (pos + 1) % slidesPerConf;
      arr[k] = pos;
    }
    return arr;
  });
  curScenario = { name, received: 0, lat: [], rounds: Array.from({ length: K }, () => []) };
  for (const c of [...presenters, ...followers]) {
    c.scenario = { got: 0, positions };
    c.lastSeq = expectSeq0[c.confIdx];
  }
  let ackErrors = 0;
  let acked = 0;
  const goto = (i, k) => {
    const p = presenters[i];
    sentAt[i][k] = performance.now();
    p.emit("goto", { position: positions[i][k] }, (ack) => {
      if (!ack || ack.ok !== true) ackErrors++;
      else acked++;
    });
  };
  const expected = followers.length * T;
  const cpu0 = [serverCpuMs(), genCpuMs(), nginxCpuMs()];
  const start = performance.now();
  // the extra load starts with the first measured round (after the warm-up)
  let load = null;
  // how late this generator's own loop ran: a delay here is counted as latency, so it is reported
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const startLoad = () => {
    if (name === "during_uploads") load = uploads(presenters);
    else if (name === "during_feedback") {
      for (const f of followers) f.lastPosition = positions[f.confIdx][W];
      load = feedbackStorm(followers, cfg.feedback_phones || 300);
    }
  };
  for (let k = 1; k <= T; k++) {
    const tick = start + (k - 1) * PERIOD;
    const wait = tick - performance.now();
    if (wait > 0) await sleep(wait);
    if (k === W + 1) startLoad();
    if (name === "burst") {
      for (let i = 0; i < R; i++) goto(i, k);
    } else {
      // each conference advances at its own random moment within this second
      const order = presenters.map((_, i) => [rand() * PERIOD, i]).sort((a, b) => a[0] - b[0]);
      await new Promise((resolve) => {
        let left = order.length;
        for (const [off, i] of order) {
          setTimeout(() => {
            goto(i, k);
            if (--left === 0) resolve();
          }, Math.max(0, tick + off - performance.now()));
        }
      });
    }
  }
  // wait for everything to arrive (or the settle window to pass)
  const settleUntil = performance.now() + PERIOD + SETTLE;
  while (curScenario.received < expected && performance.now() < settleUntil) await sleep(20);
  await sleep(100);
  const cpu1 = [serverCpuMs(), genCpuMs(), nginxCpuMs()];
  loopDelay.disable();
  const loaded = load ? await load : {};
  const lat = Float64Array.from(curScenario.lat).sort();
  let missedFollowers = 0,
    missedUpdates = 0,
    outOfOrder = 0,
    wrong = 0,
    disconnected = 0;
  for (const f of followers) {
    const sc = f.scenario;
    if (sc.got < T) {
      missedFollowers++;
      missedUpdates += T - sc.got;
    }
    outOfOrder += (sc.outOfOrder || 0) + (sc.gaps || 0);
    wrong += sc.wrong || 0;
    if (f.disconnected) disconnected++;
  }
  const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
  return {
    scenario: name,
    target,
    followers: followers.length,
    conferences: R,
    advances: K,
    warmup: W,
    samples: lat.length,
    expected,
    p50_ms: round(pct(lat, 50)),
    p95_ms: round(pct(lat, 95)),
    p99_ms: round(pct(lat, 99)),
    max_ms: round(lat.length ? lat[lat.length - 1] : null),
    missed: missedUpdates,
    missed_followers: missedFollowers,
    out_of_order: outOfOrder,
    wrong_payload: wrong,
    disconnected,
    server_cpu_ms_per_advance: cpu0[0] === null ? null : Math.round((cpu1[0] - cpu0[0]) / T),
    gen_cpu_ms_per_advance: Math.round((cpu1[1] - cpu0[1]) / T),
    nginx_cpu_ms_per_advance: cpu0[2] === null ? null : Math.round((cpu1[2] - cpu0[2]) / T),
    // robust to one disturbed round on a shared machine: the median of the rounds' p95
    p95_round_median_ms: round(pct(Float64Array.from(curScenario.rounds.map((r) => pct(Float64Array.from(r).sort(), 95))).sort(), 50)),
    round_p95_ms: curScenario.rounds.map((r) => round(pct(Float64Array.from(r).sort(), 95))),
    goto_acked: acked,
    goto_ack_errors: ackErrors,
    gen_loop_delay_max_ms: round(loopDelay.max / 1e6),
    ...loaded,
  };
}

// ---------------------------------------------------------------- join storm and mass leave
// A school at nine o'clock: `storm_phones` new phones start joining within `storm_window_ms`, each
// from its own source address (127.0.x.y) and asking for compressed pages as real phones do; the time
// from the join page's request to the first slide is measured. Then everyone leaves at once (the
// school Wi-Fi drops): the server's CPU for it, and another conference's slide latency meanwhile.
function sourceAddress(n) {
  return `127.0.${1 + Math.floor(n / 250)}.${2 + (n % 250)}`;
}

// One phone: the join page, the join, the socket, the first slide. Resolves with ms, or throws.
async function stormPhone(conf, n) {
  const localAddress = sourceAddress(n);
  const t0 = performance.now();
  const jar = new Map();
  const page = await request("GET", `/j/${conf.code}`, { localAddress });
  if (page.status !== 200) throw new Error(`join page ${page.status}`);
  cookiesOf(page, jar);
  const token = (page.text.match(/name="csrf_token"[^>]*value="([^"]+)"/) || [])[1] || "";
  const cookie = () => cookieHeader(jar);
  const joined = await request("POST", `/j/${conf.code}`, {
    localAddress, body: new URLSearchParams({ name: `Storm ${n}`, role: "family", csrf_token: token }).toString(),
    headers: { Cookie: cookie(), "Content-Type": "application/x-www-form-urlencoded" } });
  if (joined.status !== 200) throw new Error(`join ${joined.status}`);
  cookiesOf(joined, jar);
  const c = { kind: "storm", conf, cookie: cookie(), localAddress };
  await new Promise((resolve, reject) => {
    const s = new WebSocket(url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket",
                            { headers: { Cookie: c.cookie, ...ACCEPT }, localAddress, perMessageDeflate: true });
    c.socket = s;
    const timer = setTimeout(() => reject(new Error("first slide timeout")), 30000);
    s.on("message", (buf) => {
      const m = buf.toString();
      if (m[0] === "0") s.send("40" + (target === "app" ? JSON.stringify({ conference: conf.conference }) : ""));
      else if (m[0] === "2") s.send("3");
      else if (m.startsWith("40")) {
        if (target === "peer") s.send("42" + JSON.stringify(["join", { code: conf.code, conference: conf.conference }]));
        s.send('42["sync"]');
      } else if (m.startsWith("44")) { clearTimeout(timer); reject(new Error("connect refused")); }
      else if (m.startsWith("42") && m.includes('"slide"')) { clearTimeout(timer); resolve(); }
    });
    s.on("error", (e) => { clearTimeout(timer); reject(e); });
  });
  c.ms = performance.now() - t0;
  return c;
}

async function joinStorm(presenters) {
  const P = cfg.storm_phones || 1000, WINDOW = cfg.storm_window_ms || 10000;
  const cpu0 = serverCpuMs(), nginx0 = nginxCpuMs();
  const started = performance.now();
  const lat = [], phones = [];
  let errors = 0;
  const firstErrors = [];
  await Promise.all(Array.from({ length: P }, (_, n) => (async () => {
    await sleep((n / P) * WINDOW);
    try {
      const c = await stormPhone(presenters[n % presenters.length].conf, n);
      lat.push(c.ms);
      phones.push(c);
    } catch (e) {
      errors++;
      if (firstErrors.length < 3) firstErrors.push(String(e.message || e));
    }
  })()));
  const cpu1 = serverCpuMs(), nginx1 = nginxCpuMs();
  const sorted = Float64Array.from(lat).sort();
  const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
  return { phones, result: {
    scenario: "join_storm", target, phones: P, window_ms: WINDOW, joined: lat.length, errors, first_errors: firstErrors,
    p50_ms: round(pct(sorted, 50)), p95_ms: round(pct(sorted, 95)), p99_ms: round(pct(sorted, 99)),
    max_ms: round(sorted.length ? sorted[sorted.length - 1] : null),
    cpu_s: cpu0 === null ? null : round((cpu1 - cpu0) / 1000), cpu_ms_per_join: cpu0 === null ? null : round((cpu1 - cpu0) / P),
    nginx_cpu_s: nginx0 === null ? null : round((nginx1 - nginx0) / 1000),
    duration_ms: Math.round(performance.now() - started) } };
}

// Everyone but a few conferences' phones leaves at once; those few keep changing slides throughout.
async function massLeave(presenters, followers, leavers) {
  const KEEP = Math.max(1, Math.round(presenters.length / 25)); // these conferences stay and keep moving
  const stay = new Set(presenters.slice(0, KEEP).map((p) => p.confIdx));
  const measure = async (ms) => {
    const lat = [];
    const until = performance.now() + ms;
    while (performance.now() < until) {
      await Promise.all(presenters.filter((p) => stay.has(p.confIdx)).map((p) => new Promise((resolve) => {
        const watcher = followers.find((f) => f.confIdx === p.confIdx && !f.gone);
        const target = (p.lastSeq + 1);
        const pos = ((p.pos || 0) + 1) % (cfg.slides || 40);
        p.pos = pos;
        const t0 = performance.now();
        const done = setTimeout(resolve, 3000);
        watcher.onProbe = (d) => { if (d.position === pos) { lat.push(performance.now() - t0); clearTimeout(done); resolve(); } };
        p.emit("goto", { position: pos }, () => {});
        void target;
      })));
      await sleep(50);
    }
    return Float64Array.from(lat).sort();
  };
  const before = await measure(3000);
  const cpuBase0 = serverCpuMs();
  await sleep(3000);
  const idleCpu = serverCpuMs() - cpuBase0;  // what 3 s of the staying conferences' probing costs... (none here)
  const going = [...followers.filter((f) => !stay.has(f.confIdx)), ...leavers];
  const cpu0 = serverCpuMs();
  for (const f of going) { f.gone = true; f.socket.terminate ? f.socket.terminate() : f.socket.close(); }
  const during = await measure(3000);
  await sleep(2000);
  const cpu1 = serverCpuMs();
  const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
  const p95b = pct(before, 95), p95d = pct(during, 95);
  return {
    scenario: "mass_leave", target, left: going.length, staying_conferences: KEEP,
    cpu_s: cpu0 === null ? null : round((cpu1 - cpu0) / 1000), idle_cpu_s_per_5s: cpu0 === null ? null : round(idleCpu * 5 / 3 / 1000),
    p95_ms: round(p95d), unloaded_p95_ms: round(p95b), ratio_p95: p95b ? round(p95d / p95b) : null,
    max_ms: round(during.length ? during[during.length - 1] : null), samples: during.length,
  };
}

async function main() {
  if (scenarios.some((sc) => sc.startsWith("during_"))) startLoader();  // started before anything is timed
  const R = seed.length;
  const presenters = seed.map((conf, i) => Object.assign(makeClient("presenter", conf, i, i), { confIdx: i }));
  const followers = [];
  for (let j = 0; j < N; j++) {
    const i = j % R;
    followers.push(Object.assign(makeClient("follower", seed[i], j, R + j), { confIdx: i }));
  }
  const t0 = performance.now();
  if (target === "app") {
    await pool(presenters, HTTP_CONC, async (p) => {
      p.cookie = (await formFlow("/login", { username: p.conf.username, password: p.conf.password }, 303,
                                 p.address)).cookie;
    });
    await pool(followers, HTTP_CONC, async (f) => {
      Object.assign(f, await formFlow(`/j/${f.conf.code}`, {
        name: `Follower ${f.idx}`,
        role: ROLES[f.idx % ROLES.length],
      }, 200, f.address));
    });
    log(`HTTP join flow for ${R} presenters + ${N} followers in ${Math.round(performance.now() - t0)} ms`);
  }
  const t1 = performance.now();
  const all = [...presenters, ...followers];
  for (let i = 0; i < all.length; i += wave) {
    await Promise.all(all.slice(i, i + wave).map(connect));
  }
  log(`${all.length} sockets connected and synced in ${Math.round(performance.now() - t1)} ms`);
  const slidesPerConf = cfg.slides || 40;
  await sleep(500);
  for (const name of scenarios) {
    const res = await runScenario(name, presenters, followers, slidesPerConf);
    process.stdout.write(JSON.stringify(res) + "\n");
    log(`${name}: p50 ${res.p50_ms} p95 ${res.p95_ms} p99 ${res.p99_ms} missed ${res.missed}; p95 per round ${res.round_p95_ms.join(" ")}`);
    await sleep(500);
  }
  let stormPhones = [];
  if (cfg.storm) {
    const { phones, result } = await joinStorm(presenters);
    stormPhones = phones;
    process.stdout.write(JSON.stringify(result) + "\n");
    log(`join_storm: p50 ${result.p50_ms} p95 ${result.p95_ms} errors ${result.errors} cpu ${result.cpu_s}s ${result.first_errors.join(" | ")}`);
    await sleep(2000);
    for (const p of presenters) p.lastSeq = -1;
    const res = await massLeave(presenters, followers, stormPhones);
    process.stdout.write(JSON.stringify(res) + "\n");
    log(`mass_leave: cpu ${res.cpu_s}s, staying conferences' p95 ${res.p95_ms} (before ${res.unloaded_p95_ms})`);
  }
  for (const c of all) if (!c.gone) c.socket.close();
  clearTimeout(hardStop);
  await sleep(200);
  process.exit(0);
}

main().catch((e) => {
  log(`failed: ${e.stack || e}`);
  process.exit(2);
});
