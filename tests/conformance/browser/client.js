// The scenario interpreter in the browser: runs one scenario's client steps with Chromium's
// WebSocketStream and returns what it observed.  client.py is its Python twin; both must
// record the same vocabulary (see README.md in this directory).
"use strict";

function describeError(e) {
  if (e === undefined || e === null) return { name: String(e) };
  const out = { name: e.name === undefined ? typeof e : e.name };
  if (e.name === "WebSocketError") {
    out.closeCode = e.closeCode;
    out.reason = e.reason;
  }
  return out;
}

function describeValue(v) {
  if (typeof v === "string") return { str: v };
  if (v instanceof ArrayBuffer) v = new Uint8Array(v);
  if (ArrayBuffer.isView(v)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    if (bytes.length > 64) return { len: bytes.length };
    return { hex: Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("") };
  }
  return { other: typeof v };
}

function makeValue(spec) {
  if ("str" in spec) return spec.str;
  if ("hex" in spec) {
    const h = spec.hex;
    const out = new Uint8Array(h.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
    return out;
  }
  if ("zeros" in spec) return new Uint8Array(spec.zeros);
  if ("repeat" in spec) return spec.repeat[0].repeat(spec.repeat[1]);
  if ("int" in spec) return spec.int;
  if ("null" in spec) return null;
  throw new Error("bad value spec " + JSON.stringify(spec));
}

function makeReason(spec) {
  if (spec === null || spec === undefined) return undefined;
  if ("wse" in spec) return new WebSocketError("", spec.wse);
  return makeValue(spec);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function runScenario(origin, steps) {
  const trace = [];
  const rec = (...item) => trace.push(item);
  let wss = null, reader = null, writer = null, controller = null, ws = null, wsClosed = false;
  let closedSettled = false, writes = 0;
  const all = [];
  for (const step of steps) {
    const [op, ...args] = step;
    try {
      if (op === "new") {
        const [path, opts] = args;
        const options = {};
        if (opts.protocols !== undefined) options.protocols = opts.protocols;
        if (opts.signal === "aborted") options.signal = AbortSignal.abort();
        if (opts.signal === "controller") {
          controller = new AbortController();
          options.signal = controller.signal;
        }
        const url = opts.url !== undefined ? opts.url : origin + path;
        try {
          wss = new WebSocketStream(url, options);
        } catch (e) {
          rec("new-error", describeError(e));
          continue;
        }
        rec("url", wss.url.replace(origin, "ORIGIN").replace(location.host, "PAGE"));
        wss.opened.then(
          (info) => rec("opened", { protocol: info.protocol, extensions: info.extensions }),
          (e) => rec("opened-rejected", describeError(e)));
        wss.closed.then(
          (info) => { closedSettled = true; rec("closed", { closeCode: info.closeCode, reason: info.reason }); },
          (e) => { closedSettled = true; rec("closed-rejected", describeError(e)); });
      } else if (op === "other") {
        // A second stream to the same server (recorded as other-*).
        const other = new WebSocketStream(origin + args[0]);
        other.opened.then(() => rec("other-opened"), (e) => rec("other-opened-rejected", describeError(e)));
        other.closed.then((i) => rec("other-closed", i.closeCode), (e) => rec("other-closed-rejected", describeError(e)));
        window.__other = other;
      } else if (op === "other-close") {
        window.__other.close();
      } else if (op === "other-closed") {
        await Promise.race([window.__other.closed.catch(() => {}), sleep(5000)]);
        await sleep(0);
      } else if (op === "ws-new") {
        // The classic WebSocket: every event is recorded as it is dispatched.
        const [path, opts] = args;
        const url = opts.url !== undefined ? opts.url : origin + path;
        try {
          ws = opts.protocols !== undefined ? new WebSocket(url, opts.protocols) : new WebSocket(url);
        } catch (e) {
          rec("new-error", describeError(e));
          continue;
        }
        ws.binaryType = "arraybuffer";
        rec("url", ws.url.replace(origin, "ORIGIN").replace(location.host, "PAGE"), ws.readyState);
        ws.onopen = () => rec("open", { protocol: ws.protocol, extensions: ws.extensions, readyState: ws.readyState });
        ws.onmessage = (e) => rec("message", describeValue(e.data));
        ws.onerror = () => rec("error", ws.readyState);
        ws.onclose = (e) => { wsClosed = true; rec("close", { code: e.code, reason: e.reason, wasClean: e.wasClean, readyState: ws.readyState }); };
      } else if (op === "ws-send") {
        try {
          ws.send(makeValue(args[0]));
          rec("sent", ws.bufferedAmount > 0 ? "buffered" : "flushed");
        } catch (e) {
          rec("send-error", describeError(e));
        }
      } else if (op === "ws-close") {
        try {
          if (args.length === 0) ws.close();
          else if (args.length === 1) ws.close(args[0]);
          else ws.close(args[0], args[1]);
          rec("readyState", ws.readyState);
        } catch (e) {
          rec("close-error", describeError(e));
        }
      } else if (op === "ws-wait") {
        // Wait until the trace has `count` entries named `what` (at most `limit` ms).
        const [what, count, limit] = args;
        const start = Date.now();
        while (trace.filter((t) => t[0] === what).length < count && Date.now() - start < (limit || 5000)) await sleep(5);
        if (trace.filter((t) => t[0] === what).length < count) rec("pending", what);
      } else if (op === "ws-closed") {
        const start = Date.now();
        while (!wsClosed && Date.now() - start < (args[0] || 5000)) await sleep(5);
        if (!wsClosed) rec("pending", "close");
      } else if (op === "ws-state") {
        rec("readyState", ws.readyState, ws.bufferedAmount);
      } else if (op === "opened") {
        try {
          const info = await wss.opened;
          reader = info.readable.getReader();
          writer = info.writable.getWriter();
        } catch (e) { /* recorded by the handler */ }
      } else if (op === "read") {
        const n = args.length ? args[0] : 1;
        for (let i = 0; i < n; i++) {
          let timer;
          const late = new Promise((r) => { timer = setTimeout(() => r("late"), 5000); });
          // Recorded when the read settles (client.py does the same).
          const read = reader.read().then(
            ({ value, done }) => { rec("read", done ? null : describeValue(value), done); return done; },
            (e) => { rec("read-error", describeError(e)); return true; });
          const result = await Promise.race([read, late]);
          clearTimeout(timer);
          if (result === "late") { rec("pending", "read"); break; }
          if (result) break;
        }
      } else if (op === "write" || op === "write-await") {
        const index = writes++;
        const p = writer.write(makeValue(args[0])).then(
          () => rec("write", index, "ok"), (e) => rec("write", index, describeError(e)));
        all.push(p);
        if (op === "write-await") await p;
      } else if (op === "desired") {
        rec("desired", writer.desiredSize);
      } else if (op === "close") {
        try {
          if (args.length === 0) wss.close();
          else wss.close(args[0]);
        } catch (e) {
          rec("close-error", describeError(e));
        }
      } else if (op === "abort") {
        controller.abort();
      } else if (op === "writer-close") {
        all.push(writer.close().then(() => rec("writer-close", "ok"), (e) => rec("writer-close", describeError(e))));
      } else if (op === "writer-abort") {
        all.push(writer.abort(makeReason(args[0])).then(() => rec("writer-abort", "ok"), (e) => rec("writer-abort", describeError(e))));
      } else if (op === "reader-cancel") {
        all.push(reader.cancel(makeReason(args[0])).then(() => rec("reader-cancel", "ok"), (e) => rec("reader-cancel", describeError(e))));
      } else if (op === "error") {
        try {
          const e = new WebSocketError(args[0], args[1]);
          rec("error", { name: e.name, message: e.message, closeCode: e.closeCode, reason: e.reason });
        } catch (e) {
          rec("error-error", describeError(e));
        }
      } else if (op === "sleep") {
        await sleep(args[0]);
      } else if (op === "closed") {
        const limit = args.length ? args[0] : 5000;
        await Promise.race([wss.closed.catch(() => {}), sleep(limit)]);
        await sleep(0);
        if (!closedSettled) rec("pending", "closed");
      } else {
        throw new Error("unknown step " + op);
      }
    } catch (e) {
      rec("step-error", op, String(e));
    }
  }
  await Promise.race([Promise.allSettled(all), sleep(50)]);
  return trace.slice();
}
