// Talking to logsieve serve from the page: the API key (sessionStorage only,
// sent as "Authorization: Bearer", never in a URL) and the JSON / NDJSON calls.

const KEY = 'logsieve.api_key';
let onUnauthorized = () => {};

export function apiKey() { return sessionStorage.getItem(KEY) || ''; }
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
}
// Called with the server's detail when an answer is 401.
export function whenUnauthorized(fn) { onUnauthorized = fn; }

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function headers(extra = {}) {
  const h = { ...extra };
  const key = apiKey();
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

async function failure(res) {
  let detail = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    if (body && typeof body.detail === 'string') detail = body.detail;
  } catch { /* not JSON: keep the status line */ }
  if (res.status === 401) onUnauthorized(detail);
  return new ApiError(res.status, detail);
}

export async function getJson(path, signal) {
  const res = await fetch(path, { headers: headers(), signal });
  if (!res.ok) throw await failure(res);
  return res.json();
}

export async function postJson(path, body, signal) {
  const res = await fetch(path, {
    method: 'POST', headers: headers({ 'Content-Type': 'application/json' }),
    body: JSON.stringify(body), signal,
  });
  if (!res.ok) throw await failure(res);
  return res.json();
}

// POST /classify/ (multipart, field `file`): the server's CSV answer as text.
export async function classifyCsvFile(file, signal) {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await fetch('/classify/', { method: 'POST', headers: headers(), body: form, signal });
  if (!res.ok) throw await failure(res);
  return res.text();
}

// POST /v1/classify/stream?explain=1 with `lines` (NDJSON text lines); calls
// onAnswer(object) for each answer line as it arrives.
export async function classifyStream(lines, onAnswer, signal) {
  const res = await fetch('/v1/classify/stream?explain=1', {
    method: 'POST', headers: headers({ 'Content-Type': 'application/x-ndjson' }),
    body: lines.join('\n') + '\n', signal,
  });
  if (!res.ok) throw await failure(res);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim()) onAnswer(JSON.parse(line));
    }
  }
  if (pending.trim()) onAnswer(JSON.parse(pending));
}

export async function getText(path, signal) {
  const res = await fetch(path, { headers: headers(), signal });
  if (!res.ok) throw await failure(res);
  return res.text();
}

// Reads a text/event-stream answer; calls onEvent(event, data) per event and
// onOpen() once the head arrived. Returns when the server ends the stream.
export async function openStream(path, onEvent, signal, onOpen) {
  const res = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!res.ok) throw await failure(res);
  onOpen?.();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    pending += decoder.decode(value, { stream: true });
    let end;
    while ((end = pending.indexOf('\n\n')) >= 0) {
      const block = pending.slice(0, end);
      pending = pending.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(event, data.join('\n'));
    }
  }
}
