// The edgecam live view. It polls api/status, plays each camera's MJPEG stream (annotated) with its
// masks and zones drawn over it, fetches its edge map now and then, and shows the numbers beside
// them. Plain browser JavaScript with no dependencies and nothing from the internet: a board on a
// home network often has none.
//
// Token: when edgecam has http.token set, open the page as http://<board>:8080/#token=<token>.
// The page keeps the token for this tab (sessionStorage), takes it off the address bar, and sends
// it as "Authorization: Bearer" on every request, the stream's included; a URL fragment never
// reaches a server's log.

import { playStream } from './mjpeg-reader.js';
import { drawOverlays } from './overlays.js';

const STATUS_EVERY_MS = 500;
// What the stream asks for: detections drawn, at most this many frames a second (the camera's fps
// caps it too). A phone on Wi-Fi keeps up with 5 and the board encodes no more than it must.
const STREAM_QUERY = 'fps=5';
// Edge maps are published every few seconds (mqtt.edges.interval); unchanged ones cost a 304.
const EDGES_EVERY_MS = 2000;
// A camera that delivered nothing for this long says so next to its name.
const STALE_AFTER_MS = 5000;
const TOKEN_KEY = 'edgecam-token';

/** Thrown when edgecam answers 401: the page then asks for the token instead of retrying. */
class Unauthorized extends Error {}

const byId = (id) => document.getElementById(id);
const cards = new Map(); // camera id -> the card's elements and what it shows
let token = readToken();
let timer;
let polling = false;
let needToken = false; // a 401 came: streams wait for the token to be typed in
let serverOffsetMs = 0; // server clock - this device's clock: "4 s ago" even when a phone's clock is off

function readToken() {
  const given =
    new URLSearchParams(location.hash.slice(1)).get('token') ??
    new URLSearchParams(location.search).get('token');
  if (given === null) return sessionStorage.getItem(TOKEN_KEY) ?? '';
  sessionStorage.setItem(TOKEN_KEY, given);
  // Off the address bar, so that a bookmark or a screenshot does not carry it.
  history.replaceState(null, '', location.pathname);
  return given;
}

async function get(path) {
  const headers = token === '' ? {} : { authorization: `Bearer ${token}` };
  const res = await fetch(path, { headers, cache: 'no-cache' });
  if (res.status === 401) throw new Unauthorized('edgecam asks for its token (http.token)');
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res;
}

function schedule(delayMs) {
  clearTimeout(timer);
  // A phone in a pocket does not need pictures: polling stops while the page is hidden.
  if (!document.hidden) timer = setTimeout(refresh, delayMs);
}

async function refresh() {
  if (polling) return; // the poll in flight schedules the next one
  polling = true;
  try {
    const status = await (await get('api/status')).json();
    showNotice('');
    render(status);
  } catch (err) {
    if (err instanceof Unauthorized) {
      askForToken();
      return;
    }
    showNotice(`Cannot reach edgecam (${err.message}); retrying.`);
  } finally {
    polling = false;
  }
  schedule(STATUS_EVERY_MS);
}

function showNotice(text) {
  const notice = byId('notice');
  notice.textContent = text;
  notice.hidden = text === '';
}

function askForToken() {
  needToken = true;
  stopStreams();
  showNotice(token === '' ? 'This edgecam needs its token.' : 'The token was not accepted.');
  byId('token-form').hidden = false;
  byId('token-input').focus();
}

function render(status) {
  serverOffsetMs = status.serverTime - Date.now();
  byId('device').textContent = status.device;
  document.title = `${status.device} · edgecam`;
  const mqtt = byId('mqtt');
  mqtt.textContent = status.mqtt.connected ? 'MQTT connected' : 'MQTT disconnected';
  mqtt.className = `pill ${status.mqtt.connected ? 'ok' : 'bad'}`;
  mqtt.title = status.mqtt.url;
  byId('uptime').textContent = `up ${duration(status.uptimeS)}`;

  const main = byId('cameras');
  const present = new Set();
  for (const camera of status.cameras) {
    present.add(camera.id);
    updateCard(cards.get(camera.id) ?? addCard(main, camera.id), camera);
  }
  for (const [id, card] of cards) {
    if (!present.has(id)) {
      card.player?.stop();
      card.root.remove();
      cards.delete(id);
    }
  }
  if (cards.size === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = 'No cameras in the configuration.';
    main.replaceChildren(empty);
  } else {
    for (const empty of main.querySelectorAll('.empty')) empty.remove();
  }
}

function addCard(main, id) {
  const root = byId('camera-template').content.firstElementChild.cloneNode(true);
  root.dataset.camera = id;
  root.querySelector('.camera-id').textContent = id;
  main.append(root);
  const pick = (selector) => root.querySelector(selector);
  const card = {
    root,
    state: pick('.state'),
    fps: pick('.fps'),
    inference: pick('.inference'),
    provider: pick('.provider'),
    model: pick('.model'),
    live: liveView(pick('figure.live')),
    player: null,
    edges: imageView(pick('img.edges')),
    detections: pick('.detections'),
    events: pick('.events'),
  };
  cards.set(id, card);
  return card;
}

function liveView(figure) {
  const pick = (selector) => figure.querySelector(selector);
  return {
    placeholder: pick('.placeholder'),
    picture: pick('.picture'),
    canvas: pick('canvas.frame'),
    overlays: pick('svg.overlays'),
    state: pick('.stream-state'),
    legend: pick('.legend-list'),
  };
}

/** Plays the camera's stream unless it already plays, or the page waits for its token or is hidden. */
function ensureStream(card, id) {
  if (card.player !== null || needToken || document.hidden) return;
  const { live } = card;
  card.player = playStream({
    url: `api/cameras/${encodeURIComponent(id)}/stream.mjpeg?${STREAM_QUERY}`,
    canvas: live.canvas,
    headers: () => (token === '' ? {} : { authorization: `Bearer ${token}` }),
    onFrame: () => {
      live.picture.hidden = false;
      live.placeholder.hidden = true;
    },
    onState: (state) => {
      live.state.dataset.state = state.kind;
      live.state.textContent =
        state.kind === 'playing'
          ? 'live'
          : state.kind === 'connecting'
            ? 'connecting to the stream…'
            : `stream stopped (${state.reason}); reconnecting in ${Math.round(state.retryInMs / 1000)} s`;
    },
    onUnauthorized: () => {
      card.player = null;
      askForToken();
    },
  });
}

function stopStreams() {
  for (const card of cards.values()) {
    card.player?.stop();
    card.player = null;
  }
}

function imageView(img) {
  const caption = img.nextElementSibling;
  const placeholder = img.previousElementSibling;
  return { img, caption, placeholder, label: caption.textContent, busy: false, at: null };
}

function updateCard(card, camera) {
  const now = serverNow();
  const silentMs = camera.lastFrameAt === null ? null : now - camera.lastFrameAt;
  card.root.classList.toggle('online', camera.online);
  card.state.textContent = !camera.online
    ? 'offline'
    : silentMs === null
      ? 'waiting for the first frame'
      : silentMs > STALE_AFTER_MS
        ? `no frame for ${duration(silentMs / 1000)}`
        : '';
  card.fps.textContent = camera.fps.toFixed(1);
  card.inference.textContent = camera.inferenceMs === null ? '–' : `${camera.inferenceMs.toFixed(1)} ms`;
  card.provider.textContent = camera.provider ?? '–';
  card.model.textContent = camera.model ?? '–';
  card.model.title = camera.model ?? '';
  if (camera.frameSize !== null) {
    // The picture's size before it loads, so the layout does not jump when it arrives.
    const { width, height } = camera.frameSize;
    const { canvas } = card.live;
    if (canvas.dataset.frames === undefined && (canvas.width !== width || canvas.height !== height)) {
      canvas.width = width;
      canvas.height = height;
    }
    card.edges.img.width = width;
    card.edges.img.height = height;
    for (const placeholder of [card.live.placeholder, card.edges.placeholder]) {
      placeholder.style.aspectRatio = `${width} / ${height}`;
    }
  }
  drawOverlays(card.live.overlays, card.live.legend, camera);
  renderDetections(card.detections, camera.detections);
  renderEvents(card.events, camera.events, now);
  ensureStream(card, camera.id);

  const base = `cameras/${encodeURIComponent(camera.id)}`;
  if (
    camera.lastFrameAt !== null &&
    (card.edges.at === null || Date.now() - card.edges.at >= EDGES_EVERY_MS)
  ) {
    refreshImage(card.edges, `${base}/edges.png`, Date.now());
  }
}

function renderDetections(list, detections) {
  const items = [...detections]
    .sort((a, b) => b.score - a.score)
    .map((d) => row(d.label, `${Math.round(d.score * 100)}%`));
  list.replaceChildren(...(items.length > 0 ? items : [none('nothing detected')]));
}

function renderEvents(list, events, now) {
  const items = events.map((e) => {
    const li = document.createElement('li');
    const what = document.createElement('span');
    const type = document.createElement('span');
    type.className = `event-type ${e.type}`;
    type.textContent = e.type;
    what.append(type, e.label);
    const when = document.createElement('span');
    when.className = 'muted';
    when.textContent = ago(now - e.at);
    when.title = new Date(e.at).toLocaleString();
    li.append(what, when);
    return li;
  });
  list.replaceChildren(...(items.length > 0 ? items : [none('no events yet')]));
}

function row(left, right) {
  const li = document.createElement('li');
  const a = document.createElement('span');
  const b = document.createElement('span');
  a.textContent = left;
  b.textContent = right;
  li.append(a, b);
  return li;
}

function none(text) {
  const li = document.createElement('li');
  li.className = 'none';
  li.textContent = text;
  return li;
}

/** Fetches an image (with the token) and shows it; one request per picture at a time. */
function refreshImage(view, path, at) {
  if (view.busy) return;
  view.busy = true;
  loadImage(view.img, path)
    .then((loaded) => {
      view.at = at; // also when there was no picture yet (204): ask again at the next frame or interval
      if (loaded) {
        view.img.dataset.at = String(at);
        view.img.hidden = false;
        view.placeholder.hidden = true;
      }
      view.caption.textContent = view.label;
    })
    .catch((err) => {
      if (err instanceof Unauthorized) askForToken();
      else view.caption.textContent = `could not load the picture (${err.message})`;
    })
    .finally(() => {
      view.busy = false;
    });
}

async function loadImage(img, path) {
  const res = await get(path);
  if (res.status === 204) return false; // the camera has no picture of this kind yet
  const url = URL.createObjectURL(await res.blob());
  const previous = img.src;
  img.src = url;
  try {
    await img.decode();
  } finally {
    if (previous.startsWith('blob:')) URL.revokeObjectURL(previous);
  }
  return true;
}

function serverNow() {
  return Date.now() + serverOffsetMs;
}

function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

function ago(ms) {
  return ms < 1500 ? 'just now' : `${duration(ms / 1000)} ago`;
}

byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = byId('token-input').value;
  sessionStorage.setItem(TOKEN_KEY, token);
  byId('token-form').hidden = true;
  needToken = false;
  showNotice('');
  schedule(0);
});
document.addEventListener('visibilitychange', () => {
  // Hidden: no polling and no streams (a phone in a pocket); shown again, both resume.
  if (document.hidden) {
    clearTimeout(timer);
    stopStreams();
  } else schedule(0);
});
schedule(0);
