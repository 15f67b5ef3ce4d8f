// The Parley demo page: a chat client speaking Parley's JSON protocol.
//
// Every frame is one Envelope of parley.proto in proto3 JSON: lowerCamelCase field names, 64-bit
// numbers as strings, and fields at their default value (0, false, "", []) left out.
// docs/protocol.md describes the conversation. The frames travel over a WebSocket (subprotocol
// "parley.v1.json") or, where WebSocket upgrades keep failing, over Server-Sent Events: a stream
// of the server's frames and POSTs of the page's ("Server-Sent Events" in docs/protocol.md).
// Text from the network reaches the page only through textContent, never as HTML.
//
// Files (picked, or dropped on the conversation) are uploaded at once with the page's own tus
// client (uploads.js) and sent with the next message as upload tokens ("Messages with
// attachments" in docs/attachments.md). Images show as thumbnails that open the full image;
// other files as download links. Links are the server's signed links, used as given.

import { TusUpload } from './uploads.js';

const SUBPROTOCOL = 'parley.v1.json';
const PROTOCOL_VERSION = 1;
const REQUEST_TIMEOUT_MS = 30_000;
const BACKOFF_INITIAL_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Close codes after which reconnecting cannot help (see CloseCodes.shouldReconnect). */
const FINAL_CLOSE_CODES = new Set([1000, 1003, 4000, 4001]);
/** WebSocket attempts in a row that never opened before the page falls back to SSE. */
const WEBSOCKET_FAILURES_BEFORE_SSE = 2;
/** Frames in one POST at most (the server takes 1 to 64). */
const SSE_BATCH_FRAMES = 64;
/** Bytes of frames in one POST at most (the server takes up to 256 KiB). */
const SSE_BATCH_BYTES = 192 * 1024;
const SSE_RETRY_INITIAL_MS = 250;
const SSE_RETRY_MAX_MS = 5_000;
const HISTORY_PAGE = 50;
const CATCH_UP_PAGE = 200;
const MAX_MESSAGES_SHOWN = 1000;
const TYPING_IDLE_MS = 3_000;
const TYPING_REFRESH_MS = 3_000;
const TYPING_EXPIRY_MS = 6_000;
const READ_RECEIPT_DELAY_MS = 300;
const USER_ID = /^[A-Za-z0-9._@-]{1,64}$/;
const ROOM_ID = /^[A-Za-z0-9._@:-]{1,128}$/;
const DEFAULT_ROOM = 'general';
const MAX_ATTACHMENTS = 10;

// ---------------------------------------------------------------------------------------------
// Transports. Each carries frames (JSON text) both ways for one connection and has the same
// shape: send(text), close(code, reason), and the callbacks onopen(), onframe(text) and
// onclose(code, reason), set by the Connection. close() is the page's own doing and calls no
// callback; onclose reports a close the page did not ask for, with a close code of
// docs/protocol.md (1006 when the connection dropped). `established` says whether the
// connection ever reached the server, `name` is shown on the page, and `sendsToStayAlive` whether
// the server needs a frame from the page every heartbeat interval even while frames arrive.

/** One WebSocket. */
class WebSocketTransport {
  constructor(url) {
    this.name = 'WebSocket';
    this.sendsToStayAlive = false;
    this.established = false;
    this.onopen = this.onframe = this.onclose = () => {};
    const ws = new WebSocket(url, SUBPROTOCOL);
    this.ws = ws;
    ws.onopen = () => {
      this.established = true;
      this.onopen();
    };
    ws.onmessage = (event) => this.onframe(event.data);
    ws.onclose = (event) => this.onclose(event.code, event.reason);
  }

  send(text) {
    this.ws.send(text);
  }

  close(code, reason) {
    const ws = this.ws;
    ws.onopen = ws.onmessage = ws.onclose = null;
    if (code === undefined) {
      ws.close();
    } else {
      ws.close(code, reason);
    }
  }
}

/**
 * One session of the Server-Sent Events binding: the first frame sent (the Connect) opens the
 * session with POST {base}; the server's frames come from an EventSource opened with a one-use
 * ticket; the page's frames go in POSTs, one at a time, batched, numbered by Parley-Post-Seq and
 * sent again with the same number when no answer came. The session key travels only in the
 * Parley-Session-Key header. A stream that drops is opened again by this object, with a new
 * ticket and the last event id (EventSource's own reconnect would reuse the spent ticket).
 */
class SseTransport {
  constructor(base) {
    this.name = 'SSE';
    this.sendsToStayAlive = true; // a session without a POST for three intervals is closed
    this.base = base;
    this.established = false;
    this.onopen = this.onframe = this.onclose = () => {};
    this.closed = false;
    this.session = null;
    this.key = null;
    this.opening = false;
    this.source = null;
    this.lastEventId = 0;
    this.streamFailures = 0;
    this.streamTimer = null;
    /** Frames not yet handed to a POST, in order. */
    this.queue = [];
    /** The POST waiting for its answer: { seq, body, failures }, or null. */
    this.inFlight = null;
    this.postSeq = 0;
    this.postTimer = null;
    this.onPageHide = () => this.deleteSession();
    window.addEventListener('pagehide', this.onPageHide);
    // Ready at once: the first frame opens the session.
    queueMicrotask(() => {
      if (!this.closed) {
        this.onopen();
      }
    });
  }

  send(text) {
    if (this.closed) {
      return;
    }
    this.queue.push(text);
    this.pump();
  }

  close() {
    if (this.closed) {
      return;
    }
    this.shutDown();
    this.deleteSession();
  }

  /** Ends the session from this side with 1000 ("DELETE"); the key goes in a header only. */
  deleteSession() {
    if (this.session !== null) {
      const url = this.base + '/' + encodeURIComponent(this.session);
      fetch(url, {
        method: 'DELETE', headers: { 'Parley-Session-Key': this.key }, keepalive: true,
      }).catch(() => {});
      this.session = null;
    }
  }

  /** Stops everything without telling anyone. */
  shutDown() {
    this.closed = true;
    clearTimeout(this.streamTimer);
    clearTimeout(this.postTimer);
    window.removeEventListener('pagehide', this.onPageHide);
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }

  /** The session is over: reports it once. */
  finish(code, reason) {
    if (this.closed) {
      return;
    }
    this.shutDown();
    this.onclose(code, reason);
  }

  // --- Sending ---

  pump() {
    if (this.closed || this.opening || this.inFlight !== null || this.queue.length === 0) {
      return;
    }
    if (this.session === null) {
      this.openSession(this.queue.shift());
      return;
    }
    const frames = [];
    let bytes = 2;
    while (this.queue.length > 0 && frames.length < SSE_BATCH_FRAMES &&
        (frames.length === 0 || bytes + this.queue[0].length + 1 <= SSE_BATCH_BYTES)) {
      const frame = this.queue.shift();
      bytes += frame.length + 1;
      frames.push(frame);
    }
    const body = frames.length === 1 ? frames[0] : '[' + frames.join(',') + ']';
    this.inFlight = { seq: ++this.postSeq, body, failures: 0 };
    this.post();
  }

  async openSession(connect) {
    this.opening = true;
    let response;
    try {
      response = await fetch(this.base, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: connect,
        cache: 'no-store',
      });
    } catch (e) {
      this.finish(1006, 'cannot reach the server');
      return;
    }
    this.established = true; // the server answered, even if it refuses the session for now
    if (response.status !== 201) {
      this.finish(closeCodeFor(response.status), await refusal(response));
      return;
    }
    const answer = await response.json();
    this.session = String(answer.session);
    this.key = String(answer.key);
    if (this.closed) {
      this.deleteSession(); // the page gave up on this session while it was being opened
      return;
    }
    this.opening = false;
    this.openStream(String(answer.ticket));
    this.pump();
  }

  async post() {
    const attempt = this.inFlight;
    const headers = {
      'Content-Type': 'application/json',
      'Parley-Session-Key': this.key,
      'Parley-Post-Seq': String(attempt.seq),
    };
    if (this.lastEventId > 0) {
      headers['Parley-Last-Event-ID'] = String(this.lastEventId);
    }
    let response;
    try {
      response = await fetch(this.base + '/' + encodeURIComponent(this.session), {
        method: 'POST', headers, body: attempt.body, cache: 'no-store',
      });
    } catch (e) {
      response = null; // no answer: the same body goes again with the same number
    }
    if (this.closed || attempt !== this.inFlight) {
      return;
    }
    if (response !== null && response.ok) {
      this.inFlight = null;
      this.pump();
    } else if (response === null || response.status === 429 || response.status >= 500) {
      attempt.failures++;
      this.postTimer = setTimeout(() => this.post(), retryDelay(attempt.failures));
    } else {
      // The session is gone or refused the frames. Its stream usually says why (event: close)
      // at the same moment; give it a moment to, then report what the POST said.
      const why = await refusal(response);
      this.postTimer = setTimeout(() => this.finish(closeCodeFor(response.status), why), 1000);
    }
  }

  // --- Receiving ---

  openStream(ticket) {
    let url = this.base + '/' + encodeURIComponent(this.session) + '?ticket=' +
        encodeURIComponent(ticket);
    if (this.lastEventId > 0) {
      url += '&lastEventId=' + this.lastEventId;
    }
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => {
      this.streamFailures = 0;
    };
    source.onmessage = (event) => {
      const id = Number(event.lastEventId);
      if (id > 0 && id <= this.lastEventId) {
        return; // already delivered
      }
      if (id > 0) {
        this.lastEventId = id;
      }
      this.onframe(event.data);
    };
    source.addEventListener('close', (event) => {
      let close = {};
      try {
        close = JSON.parse(event.data);
      } catch (e) {
        // a close without a readable reason is still a close
      }
      this.session = null; // closed by the server: nothing to delete
      this.finish(Number(close.code || 1006), String(close.reason || ''));
    });
    source.onerror = () => {
      // The stream dropped (or was refused). EventSource would reconnect by itself with the
      // spent ticket: stop it and open a new stream with a new ticket from where it stopped.
      source.close();
      if (source === this.source && !this.closed) {
        this.source = null;
        this.streamFailures++;
        this.streamTimer = setTimeout(() => this.reopenStream(),
            this.streamFailures === 1 ? 0 : retryDelay(this.streamFailures - 1));
      }
    };
  }

  async reopenStream() {
    let response;
    try {
      response = await fetch(this.base + '/' + encodeURIComponent(this.session) + '/ticket', {
        method: 'POST', headers: { 'Parley-Session-Key': this.key }, cache: 'no-store',
      });
    } catch (e) {
      response = null;
    }
    if (this.closed) {
      return;
    }
    if (response !== null && response.ok) {
      const answer = await response.json();
      if (!this.closed) {
        this.openStream(String(answer.ticket));
      }
    } else if (response === null || response.status === 429 || response.status >= 500) {
      this.streamFailures++;
      this.streamTimer = setTimeout(() => this.reopenStream(), retryDelay(this.streamFailures));
    } else {
      // 404 or 401: the server no longer has the session (closed, or without a stream for too
      // long): a dropped connection, which the page resumes.
      this.session = null;
      this.finish(1006, 'the session is gone (' + response.status + ')');
    }
  }
}

/** A backoff for retrying one HTTP request: up to SSE_RETRY_MAX_MS. */
function retryDelay(failures) {
  return Math.min(SSE_RETRY_MAX_MS, SSE_RETRY_INITIAL_MS * 2 ** Math.max(0, failures - 1));
}

/** The close code whose rules fit an HTTP refusal of the SSE binding. */
function closeCodeFor(status) {
  if (status === 429 || status === 503) {
    return 1013; // full or stopping: again later, with backoff
  }
  if (status === 413) {
    return 1009;
  }
  if (status === 404 || status === 401 || status === 409 || status >= 500) {
    return 1006; // the session is gone or out of step, or the server failed: resume
  }
  return 4000; // the server refused what the page sent: trying again cannot help
}

/** The one-line reason of a refused request. */
async function refusal(response) {
  let text = '';
  try {
    text = (await response.text()).trim();
  } catch (e) {
    // no body
  }
  return 'HTTP ' + response.status + (text ? ': ' + text : '');
}

// ---------------------------------------------------------------------------------------------
// The connection: one transport at a time, request ids, reconnect with backoff, heartbeats.

/** An Error frame from the server. */
class ParleyError extends Error {
  constructor(error) {
    super(error.message || error.name || 'error');
    this.code = error.name || 'UNKNOWN';
    this.retryable = error.retryable === true;
  }
}

/** The connection was lost before the answer came; the request may be sent again. */
class ConnectionLost extends Error {}

class Connection {
  /**
   * @param {object} app callbacks: token() (a promise), connectBody(token), onWelcome(welcome),
   *     onRefused(error), onFrame(frame), onStatus(state, detail), onTransport(name),
   *     onClosedForGood(code, reason)
   */
  constructor(app) {
    this.app = app;
    this.transport = null;
    this.open = false;
    this.stopped = false;
    this.nextRequestId = 1;
    this.pending = new Map();
    this.attempt = 0;
    this.reconnectTimer = null;
    this.minimumDelay = 0;
    this.heartbeatTimer = null;
    this.lastReceived = 0;
    this.lastSent = 0;
    /** WebSocket attempts in a row that never opened. */
    this.webSocketFailures = 0;
    /** 'websocket', or 'sse' once WebSocket upgrades kept failing. */
    this.mode = 'websocket';
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  /** Closes for good: no reconnect. */
  stop() {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    if (this.transport) {
      this.transport.close(1000, 'bye');
      this.dropped(1000, 'closed by the user');
    }
  }

  /** Reconnects at once if a reconnect is waiting (for example, the network came back). */
  retryNow() {
    if (this.reconnectTimer !== null && !this.stopped) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    }
  }

  async connect() {
    this.reconnectTimer = null;
    this.app.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting', '');
    let endpoints;
    let token;
    try {
      endpoints = await chatEndpoints();
      token = await this.app.token(); // a fresh one for each attempt: tokens are short-lived
    } catch (e) {
      this.scheduleReconnect('the page cannot reach the server');
      return;
    }
    if (this.stopped) {
      return;
    }
    const transport = this.mode === 'sse' ?
        new SseTransport(endpoints.sse) : new WebSocketTransport(endpoints.webSocket);
    this.transport = transport;
    this.app.onTransport(transport.name);
    transport.onopen = () => {
      if (transport !== this.transport) {
        return;
      }
      this.open = true;
      this.lastReceived = Date.now();
      this.request({ connect: this.app.connectBody(token) }).then(
        (frame) => {
          this.attempt = 0;
          this.startHeartbeat(Number(frame.welcome.heartbeatIntervalMs || 15_000));
          this.app.onWelcome(frame.welcome);
        },
        (error) => {
          if (error instanceof ParleyError) {
            this.app.onRefused(error);
          }
        });
    };
    transport.onframe = (text) => {
      if (transport === this.transport) {
        this.receive(text);
      }
    };
    transport.onclose = (code, reason) => {
      if (transport === this.transport) {
        this.chooseTransport(transport);
        this.dropped(code, reason);
      }
    };
  }

  /**
   * After a connection ended by itself: a WebSocket that never opened twice in a row sends the
   * next attempts over SSE; an SSE attempt that got no answer at all sends the next one back to
   * WebSocket (the server may simply have been away). An SSE session the server refused for now
   * (503, 429) stays on SSE: the server is reachable that way.
   */
  chooseTransport(transport) {
    if (transport instanceof WebSocketTransport) {
      this.webSocketFailures = transport.established ? 0 : this.webSocketFailures + 1;
      if (this.webSocketFailures >= WEBSOCKET_FAILURES_BEFORE_SSE) {
        this.mode = 'sse';
      }
    } else if (!transport.established) {
      this.mode = 'websocket';
      this.webSocketFailures = 0;
    }
  }

  /** Sends a request; resolves with the answering frame, rejects with ParleyError or ConnectionLost. */
  request(body) {
    if (!this.open) {
      return Promise.reject(new ConnectionLost('not connected'));
    }
    const requestId = String(this.nextRequestId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ConnectionLost('no answer within ' + REQUEST_TIMEOUT_MS / 1000 + ' s'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
      this.lastSent = Date.now();
      this.transport.send(JSON.stringify({ requestId, ...body }));
    });
  }

  /** Sends a frame that gets no answer (typing, read receipts, pings); false if not connected. */
  notify(body) {
    if (!this.open) {
      return false;
    }
    this.lastSent = Date.now();
    this.transport.send(JSON.stringify(body));
    return true;
  }

  receive(text) {
    this.lastReceived = Date.now();
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (e) {
      console.warn('ignoring a frame that is not JSON', e);
      return;
    }
    const waiting = frame.requestId ? this.pending.get(frame.requestId) : undefined;
    if (waiting) {
      this.pending.delete(frame.requestId);
      clearTimeout(waiting.timer);
      if (frame.error) {
        waiting.reject(new ParleyError(frame.error));
      } else {
        waiting.resolve(frame);
      }
      return;
    }
    if (frame.goAway) {
      this.minimumDelay = Number(frame.goAway.reconnectAfterMs || 0);
    }
    this.app.onFrame(frame);
  }

  dropped(code, reason) {
    this.transport = null;
    this.open = false;
    clearInterval(this.heartbeatTimer);
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new ConnectionLost('connection lost'));
    }
    this.pending.clear();
    if (this.stopped) {
      this.app.onStatus('offline', '');
      return;
    }
    if (FINAL_CLOSE_CODES.has(code)) {
      this.stopped = true;
      this.app.onStatus('offline', reason);
      this.app.onClosedForGood(code, reason);
      return;
    }
    this.scheduleReconnect(reason || 'connection lost (code ' + code + ')');
  }

  /** Full jitter: a random delay up to min(max, initial * 2^attempt). */
  scheduleReconnect(why) {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** this.attempt);
    const delay = Math.max(this.minimumDelay, Math.random() * ceiling);
    this.minimumDelay = 0;
    this.attempt++;
    this.app.onStatus('reconnecting', why + '; retrying in ' + (delay / 1000).toFixed(1) + ' s');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /**
   * Pings a quiet connection (and, over SSE, one the page has sent nothing on for half an
   * interval); one silent for two intervals is dropped and replaced.
   */
  startHeartbeat(intervalMs) {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      const quiet = Date.now() - this.lastReceived;
      const idle = Date.now() - this.lastSent;
      if (quiet > 2 * intervalMs) {
        const transport = this.transport;
        this.dropped(1006, 'no answer from the server');
        if (transport) {
          transport.close();
        }
      } else if (quiet > intervalMs ||
          (this.transport && this.transport.sendsToStayAlive && idle >= intervalMs / 2)) {
        this.notify({ ping: { nonce: String(Date.now()) } });
      }
    }, intervalMs / 2);
  }
}

/**
 * Logs in as {@code name}: the demo server answers with a short-lived signed token (a JWT) for the
 * chat server. A server without a login page (the cluster example's nodes) takes the name itself.
 */
async function login(name) {
  const response = await fetch('login?name=' + encodeURIComponent(name),
      { method: 'POST', cache: 'no-store' });
  // A server without a login page (a cluster node) answers 404, or 405 from its static files.
  if (response.status === 404 || response.status === 405) {
    return name;
  }
  if (!response.ok) {
    throw new Error('login: HTTP ' + response.status);
  }
  const answer = await response.json();
  return String(answer.token);
}

/**
 * The chat endpoints: the WebSocket's port and path come from the demo server, its host from this
 * page; the SSE endpoint is that path with "/sse" appended, on this page's own origin (the
 * server's HTTP side).
 */
async function chatEndpoints() {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) {
    throw new Error('config.json: HTTP ' + response.status);
  }
  const config = await response.json();
  const path = String(config.webSocketPath);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    webSocket: scheme + '//' + location.hostname + ':' + Number(config.webSocketPort) + path,
    sse: location.origin + path + '/sse',
    uploads: location.origin + path + '/uploads',
  };
}

// ---------------------------------------------------------------------------------------------
// The room being shown.

class Room {
  constructor(name) {
    this.name = name;
    this.joined = false;
    this.epoch = '0';
    /** seq -> { message, element } */
    this.messages = new Map();
    /** Every message from the join point up to this seq has been shown: what resume asks from. */
    this.contiguousSeq = 0;
    /** The highest seq known to exist in the room. */
    this.knownHead = 0;
    this.catchingUp = false;
    this.oldestShown = 0;
    this.olderAvailable = false;
    this.loadingOlder = false;
    this.online = new Set();
    /** user -> timer that forgets their typing */
    this.typing = new Map();
    /** user -> highest seq they reported reading */
    this.readUpTo = new Map();
    this.readSent = 0;
    /** Why the server took this page out of the room (it closed it), or null. */
    this.closedReason = null;
  }
}

// ---------------------------------------------------------------------------------------------
// The page.

const $ = (id) => document.getElementById(id);

const page = {
  status: $('status'),
  transport: $('transport'),
  me: $('me'),
  changeNickname: $('change-nickname'),
  login: $('login'),
  loginForm: $('login-form'),
  nickname: $('nickname'),
  loginError: $('login-error'),
  chat: $('chat'),
  roomForm: $('room-form'),
  roomInput: $('room-input'),
  online: $('online'),
  onlineCount: $('online-count'),
  roomTitle: $('room-title'),
  scroller: $('scroller'),
  loadOlder: $('load-older'),
  messages: $('messages'),
  outbox: $('outbox'),
  typing: $('typing'),
  composer: $('composer'),
  messageInput: $('message-input'),
  sendButton: $('send'),
  fileInput: $('file-input'),
  files: $('files'),
  conversation: $('conversation'),
  viewer: $('viewer'),
  viewerImage: $('viewer-image'),
  notice: $('notice'),
};

const app = {
  nickname: null,
  me: null,
  connection: null,
  room: null,
  maxTextBytes: 16 * 1024,
  /** Sends not yet acknowledged, in order: { clientMessageId, room, text, attachments, ... } */
  outbox: [],
  /** Files picked for the next message: { upload, promise, result, element } */
  files: [],
  typingActive: false,
  typingSentAt: 0,
  typingIdleTimer: null,
  readTimer: null,
  noticeTimer: null,

  // --- Connection callbacks ---

  token() {
    return login(this.nickname);
  },

  connectBody(token) {
    const room = this.room;
    const resume = room && room.joined ?
        [{ room: room.name, lastSeq: String(room.contiguousSeq) }] : [];
    return {
      protocolVersion: PROTOCOL_VERSION,
      token,
      clientName: 'parley-web',
      clientVersion: '0.1',
      resume,
    };
  },

  onWelcome(welcome) {
    this.me = welcome.user;
    this.onStatus('connected', '');
    page.me.textContent = 'you are ' + welcome.user;
    const limits = welcome.limits || {};
    if (limits.maxTextBytes) {
      this.maxTextBytes = Number(limits.maxTextBytes);
    }
    const room = this.room;
    let rejoined = false;
    for (const joined of welcome.rejoined || []) {
      if (joined.room === room.name) {
        this.applyJoined(room, joined, true);
        rejoined = true;
      }
    }
    for (const error of welcome.rejected || []) {
      if (error.room === room.name) {
        this.notice('Could not rejoin ' + room.name + ': ' + (error.message || error.name));
      }
    }
    if (!rejoined && room.closedReason === null) {
      room.joined = false;
      this.join(room);
    }
  },

  onRefused(error) {
    this.connection.stop();
    this.showLogin('The server refused the nickname: ' + error.message);
  },

  onClosedForGood(code, reason) {
    if (code === 4001) {
      this.showLogin('The server refused the nickname' + (reason ? ': ' + reason : '.'));
    } else {
      this.notice('Disconnected: ' + (reason || 'code ' + code) + '. Reload the page to reconnect.',
          0);
    }
  },

  /** Shows, discreetly, which transport carries the chat: "WebSocket" or "SSE". */
  onTransport(name) {
    page.transport.textContent = name;
    page.transport.dataset.transport = name;
    page.transport.title = name === 'SSE' ?
        'WebSocket connections fail on this network: the chat uses Server-Sent Events' :
        'The chat uses a WebSocket';
  },

  onStatus(state, detail) {
    page.status.dataset.state = state;
    page.status.textContent = state;
    page.status.title = detail || '';
    if (state !== 'connected') {
      this.clearTyping();
    }
  },

  onFrame(frame) {
    const room = this.room;
    const body = frame.message || frame.presence || frame.typing || frame.readReceipt;
    if (body && (!room || body.room !== room.name || !room.joined)) {
      return; // a room this page no longer shows
    }
    if (frame.message) {
      this.receiveMessage(room, frame.message);
    } else if (frame.presence) {
      this.receivePresence(room, frame.presence);
    } else if (frame.typing) {
      this.receiveTyping(room, frame.typing);
    } else if (frame.readReceipt) {
      this.receiveReadReceipt(room, frame.readReceipt);
    } else if (frame.left) {
      this.removedFromRoom(frame.left);
    } else if (frame.goAway) {
      this.notice('The server is going away (' + (frame.goAway.reason || 'no reason') +
          '); reconnecting.');
    } else if (frame.error) {
      this.notice(frame.error.name + ': ' + frame.error.message);
    }
  },

  // --- Rooms ---

  join(room) {
    this.connection.request({ join: { room: room.name } }).then(
      (frame) => {
        if (room === this.room) {
          this.applyJoined(room, frame.joined, false);
        }
      },
      (error) => {
        if (error instanceof ParleyError && room === this.room) {
          this.notice('Could not join ' + room.name + ': ' + error.message);
        }
      });
  },

  applyJoined(room, joined, resumed) {
    const head = Number(joined.headSeq || 0);
    const epoch = String(joined.epoch || '0');
    room.online = new Set(joined.online || []);
    this.renderOnline();
    if (resumed && (epoch !== room.epoch || head < room.contiguousSeq)) {
      // The server no longer has the history this page saw (for example, an in-memory server was
      // restarted): start over from what it has now.
      this.notice('The server lost the history of ' + room.name + ' (restarted?); reloading it.');
      this.resetMessages(room);
      resumed = false;
    }
    room.joined = true;
    room.epoch = epoch;
    if (resumed) {
      room.knownHead = Math.max(room.knownHead, head);
      this.catchUp(room);
    } else {
      room.contiguousSeq = head;
      room.knownHead = head;
      room.olderAvailable = head > 0;
      this.loadOlder(room, true);
    }
    this.resendOutbox();
  },

  /** Reads missed messages (FORWARD history from the last contiguous seq) until caught up. */
  catchUp(room) {
    if (room.catchingUp || room.knownHead <= room.contiguousSeq || !this.connection.open) {
      return;
    }
    room.catchingUp = true;
    const from = room.contiguousSeq + 1;
    this.connection.request({
      historyRequest: {
        room: room.name, fromSeq: String(from), direction: 'FORWARD', limit: CATCH_UP_PAGE,
      },
    }).then(
      (frame) => {
        room.catchingUp = false;
        if (room !== this.room) {
          return;
        }
        const before = room.contiguousSeq;
        const historyPage = frame.historyPage;
        const firstKept = Number(historyPage.firstSeq || 0);
        room.knownHead = Math.max(room.knownHead, Number(historyPage.headSeq || 0));
        if (firstKept > from || (firstKept === 0 && room.knownHead >= from)) {
          const lastGone = firstKept === 0 ? room.knownHead : firstKept - 1;
          this.notice('Messages ' + from + ' to ' + lastGone + ' of ' + room.name +
              ' are no longer kept by the server.');
          room.contiguousSeq = Math.max(room.contiguousSeq, lastGone);
        }
        for (const message of historyPage.messages || []) {
          this.addMessage(room, message);
        }
        this.advance(room);
        if (room.contiguousSeq > before) {
          this.catchUp(room); // more to read, or stop when caught up
        }
        this.scheduleReadReceipt();
      },
      () => {
        room.catchingUp = false; // tried again after the next reconnect or live message
      });
  },

  /** Reads the page of history before the oldest message shown. */
  loadOlder(room, first) {
    const from = room.oldestShown ? room.oldestShown - 1 : room.contiguousSeq;
    if (from < 1 || room.loadingOlder) {
      room.olderAvailable = from >= 1 && room.olderAvailable;
      this.renderLoadOlder();
      return;
    }
    room.loadingOlder = true;
    this.connection.request({
      historyRequest: {
        room: room.name, fromSeq: String(from), direction: 'BACKWARD', limit: HISTORY_PAGE,
      },
    }).then(
      (frame) => {
        room.loadingOlder = false;
        if (room !== this.room) {
          return;
        }
        const historyPage = frame.historyPage;
        const height = page.scroller.scrollHeight;
        for (const message of historyPage.messages || []) {
          this.addMessage(room, message);
        }
        room.olderAvailable = historyPage.hasMore === true;
        this.renderLoadOlder();
        if (first) {
          this.scrollToEnd();
        } else {
          page.scroller.scrollTop += page.scroller.scrollHeight - height;
        }
      },
      (error) => {
        room.loadingOlder = false;
        if (error instanceof ParleyError) {
          this.notice('Could not load history: ' + error.message);
        }
      });
  },

  /**
   * A Left that answers no request: the server took this page out of a room, for example because
   * the application closed it. The page says why and drops the room: nobody shown online, sends
   * waiting for it failed, no rejoin on reconnect. Joining it again by name is allowed.
   */
  removedFromRoom(left) {
    const room = this.room;
    if (!room || left.room !== room.name || !room.joined) {
      return;
    }
    room.joined = false;
    room.closedReason = left.reason || 'no reason given';
    clearTimeout(this.typingIdleTimer);
    this.typingActive = false;
    this.clearTyping();
    room.online.clear();
    this.renderOnline();
    for (const entry of this.outbox) {
      this.markFailed(entry, 'not sent: ' + room.name + ' was closed');
    }
    this.outbox = [];
    this.renderRoomState();
    this.notice('room closed: ' + room.closedReason, 0);
  },

  switchRoom(name) {
    const old = this.room;
    if (old && old.name === name && old.closedReason === null) {
      return;
    }
    if (old && old.joined) {
      this.connection.request({ leave: { room: old.name } }).catch(() => {});
    }
    for (const entry of this.outbox) {
      this.markFailed(entry, 'not sent: you left ' + entry.room);
    }
    this.outbox = [];
    this.stopTyping();
    this.room = new Room(name);
    history.replaceState(null, '', '#' + encodeURIComponent(name));
    this.renderRoom();
    if (this.connection && this.connection.open) {
      this.join(this.room);
    }
  },

  // --- Incoming ---

  receiveMessage(room, message) {
    this.forgetTyping(room, message.sender);
    const nearEnd = this.isNearEnd();
    this.addMessage(room, message);
    this.advance(room);
    if (room.knownHead > room.contiguousSeq) {
      this.catchUp(room);
    }
    if (nearEnd || message.sender === this.me) {
      this.scrollToEnd();
    }
    this.scheduleReadReceipt();
  },

  /** Shows a message in seq order; a seq already shown is ignored. */
  addMessage(room, message) {
    const seq = Number(message.seq);
    room.knownHead = Math.max(room.knownHead, seq);
    if (room.messages.has(seq)) {
      return;
    }
    const mine = message.sender === this.me;
    if (mine) {
      this.delivered(message.clientMessageId);
    }
    const element = messageElement(message, mine);
    room.messages.set(seq, { message, element });
    let next = null;
    for (let node = page.messages.lastElementChild; node; node = node.previousElementSibling) {
      if (Number(node.dataset.seq) < seq) {
        break;
      }
      next = node;
    }
    page.messages.insertBefore(element, next);
    if (mine) {
      this.renderReadState(room, seq);
    }
    if (!room.oldestShown || seq < room.oldestShown) {
      room.oldestShown = seq;
    }
    while (room.messages.size > MAX_MESSAGES_SHOWN) {
      const oldest = room.oldestShown;
      const dropped = room.messages.get(oldest);
      if (dropped) {
        dropped.element.remove();
        room.messages.delete(oldest);
      }
      room.oldestShown = Math.min(...room.messages.keys());
      room.olderAvailable = true;
    }
    this.renderLoadOlder();
  },

  /** Moves the contiguous seq over the messages that are now shown without a gap. */
  advance(room) {
    while (room.messages.has(room.contiguousSeq + 1)) {
      room.contiguousSeq++;
    }
  },

  receivePresence(room, presence) {
    if (presence.online === true) {
      room.online.add(presence.user);
    } else {
      room.online.delete(presence.user);
      this.forgetTyping(room, presence.user);
    }
    this.renderOnline();
  },

  receiveTyping(room, typing) {
    if (typing.user === this.me) {
      return; // this user's other tab
    }
    this.forgetTyping(room, typing.user);
    if (typing.active === true) {
      room.typing.set(typing.user,
          setTimeout(() => this.forgetTyping(room, typing.user), TYPING_EXPIRY_MS));
    }
    this.renderTyping();
  },

  receiveReadReceipt(room, receipt) {
    const seq = Number(receipt.seq || 0);
    if (seq > (room.readUpTo.get(receipt.user) || 0)) {
      room.readUpTo.set(receipt.user, seq);
      for (const [mySeq, shown] of room.messages) {
        if (shown.message.sender === this.me && mySeq <= seq) {
          this.renderReadState(room, mySeq);
        }
      }
    }
  },

  // --- Sending ---

  /** Sends the text with the files picked for it, once their uploads have finished. */
  async sendWithFiles(text) {
    const files = this.files;
    if (!text && files.length === 0) {
      return;
    }
    this.files = [];
    await Promise.allSettled(files.map((f) => f.promise));
    const ready = files.filter((f) => f.result);
    for (const f of files) {
      f.element.remove();
    }
    if (files.length > 0 && ready.length === 0 && !text) {
      return; // every upload failed; each says why
    }
    this.send(text, ready.map((f) => f.result));
  },

  send(text, uploaded = []) {
    const room = this.room;
    if (!text && uploaded.length === 0) {
      return;
    }
    if (room.closedReason !== null) {
      this.notice('room closed: ' + room.closedReason + '. Join another room to write.', 0);
      return;
    }
    if (new TextEncoder().encode(text).length > this.maxTextBytes) {
      this.notice('That message is too long: at most ' + this.maxTextBytes + ' bytes.');
      return;
    }
    const clientMessageId = newClientMessageId();
    const names = uploaded.map((u) => u.attachment.name);
    const entry = {
      clientMessageId,
      room: room.name,
      text,
      attachments: uploaded.map((u) => u.token),
      element: pendingElement(names.length ? (text + ' [' + names.join(', ') + ']').trim() : text,
          clientMessageId),
      acked: false,
    };
    this.outbox.push(entry);
    page.outbox.append(entry.element);
    this.scrollToEnd();
    this.stopTyping();
    this.transmit(entry);
  },

  /** Sends (or resends, with the same client message id) one outbox entry. */
  transmit(entry) {
    if (!this.connection.open || !this.room.joined) {
      setStatus(entry.element, 'waiting for the connection', 'waiting');
      return;
    }
    setStatus(entry.element, 'sending', 'sending');
    this.connection.request({
      send: {
        room: entry.room,
        clientMessageId: entry.clientMessageId,
        text: entry.text,
        attachments: entry.attachments,
      },
    }).then(
      (frame) => {
        entry.acked = true;
        this.outbox = this.outbox.filter((e) => e !== entry);
        const seq = Number(frame.sendAck.seq);
        setStatus(entry.element, 'sent', 'sent');
        entry.element.dataset.seq = String(seq);
        if (this.room && this.room.messages.has(seq)) {
          entry.element.remove(); // the message itself is already shown
        }
      },
      (error) => {
        if (error instanceof ParleyError && !error.retryable) {
          this.outbox = this.outbox.filter((e) => e !== entry);
          this.markFailed(entry, 'not sent: ' + error.message);
        } else if (error instanceof ParleyError) {
          setTimeout(() => this.transmit(entry), 1000);
        } else {
          setStatus(entry.element, 'waiting for the connection', 'waiting');
        }
      });
  },

  /** After a (re)connect: resends what was not acknowledged, in order, with the same ids. */
  resendOutbox() {
    for (const entry of this.outbox) {
      if (!entry.acked) {
        this.transmit(entry);
      }
    }
  },

  /** The server delivered this user's own message: its pending placeholder goes. */
  delivered(clientMessageId) {
    for (const node of Array.from(page.outbox.children)) {
      if (node.dataset.clientMessageId === clientMessageId) {
        node.remove();
      }
    }
  },

  markFailed(entry, why) {
    setStatus(entry.element, why, 'failed');
  },

  // --- Files ---

  /** Starts uploading each file at once; they go with the next message sent. */
  attachFiles(fileList) {
    for (const file of Array.from(fileList)) {
      if (this.files.length >= MAX_ATTACHMENTS) {
        this.notice('A message carries at most ' + MAX_ATTACHMENTS + ' files.');
        return;
      }
      this.attachFile(file);
    }
  },

  attachFile(file) {
    const item = element('li', 'file');
    item.dataset.name = file.name;
    item.append(element('span', 'file-name', file.name));
    item.append(element('span', 'state', 'uploading'));
    const remove = element('button', 'remove', '\u00d7');
    remove.type = 'button';
    remove.title = 'Remove';
    item.append(remove);
    page.files.append(item);
    const entry = { upload: null, promise: null, result: null, element: item };
    remove.addEventListener('click', () => {
      if (entry.upload) {
        entry.upload.cancel();
      }
      this.files = this.files.filter((f) => f !== entry);
      item.remove();
    });
    entry.promise = (async () => {
      const endpoints = await chatEndpoints();
      const token = await this.token();
      entry.upload = new TusUpload(endpoints.uploads, file, token, (done, size) => {
        setStatus(item, size ? Math.floor(done * 100 / size) + '%' : 'uploading', 'sending');
      });
      entry.result = await entry.upload.run();
      setStatus(item, 'ready', 'sent');
    })().catch((error) => {
      entry.result = null;
      if (error.unavailable) {
        setStatus(item, 'attachments are unavailable', 'failed');
        this.notice('attachments are unavailable right now; messages still go through');
      } else {
        setStatus(item, 'not uploaded: ' + error.message, 'failed');
      }
    });
    this.files.push(entry);
  },

  openViewer(url, name) {
    page.viewerImage.src = url;
    page.viewerImage.alt = name;
    page.viewer.hidden = false;
  },

  closeViewer() {
    page.viewer.hidden = true;
    page.viewerImage.removeAttribute('src');
  },

  // --- Typing and read receipts ---

  onInput() {
    const room = this.room;
    if (!room || !room.joined) {
      return;
    }
    if (page.messageInput.value.length === 0) {
      this.stopTyping();
      return;
    }
    const now = Date.now();
    if (!this.typingActive || now - this.typingSentAt > TYPING_REFRESH_MS) {
      if (this.connection.notify({ typing: { room: room.name, active: true } })) {
        this.typingActive = true;
        this.typingSentAt = now;
      }
    }
    clearTimeout(this.typingIdleTimer);
    this.typingIdleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  },

  stopTyping() {
    clearTimeout(this.typingIdleTimer);
    if (this.typingActive && this.room) {
      this.connection.notify({ typing: { room: this.room.name, active: false } });
    }
    this.typingActive = false;
  },

  forgetTyping(room, user) {
    if (room.typing.has(user)) {
      clearTimeout(room.typing.get(user));
      room.typing.delete(user);
      this.renderTyping();
    }
  },

  clearTyping() {
    if (this.room) {
      for (const user of Array.from(this.room.typing.keys())) {
        this.forgetTyping(this.room, user);
      }
    }
  },

  /** Tells the room what this user has read, once the page is visible and has something new. */
  scheduleReadReceipt() {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      const room = this.room;
      if (!room || !room.joined || document.visibilityState !== 'visible') {
        return;
      }
      const seq = room.contiguousSeq;
      if (seq > room.readSent &&
          this.connection.notify({ readReceipt: { room: room.name, seq: String(seq) } })) {
        room.readSent = seq;
      }
    }, READ_RECEIPT_DELAY_MS);
  },

  // --- Rendering ---

  renderRoom() {
    const room = this.room;
    document.title = room.name + ' - Parley demo';
    page.messages.replaceChildren();
    page.outbox.replaceChildren();
    page.roomInput.value = '';
    this.renderRoomState();
    this.renderOnline();
    this.renderTyping();
    this.renderLoadOlder();
  },

  resetMessages(room) {
    room.messages.clear();
    room.contiguousSeq = 0;
    room.knownHead = 0;
    room.oldestShown = 0;
    room.readSent = 0;
    room.readUpTo.clear();
    page.messages.replaceChildren();
  },

  /** A closed room keeps its messages on screen but takes no more input. */
  renderRoomState() {
    const closed = this.room.closedReason !== null;
    page.roomTitle.textContent = '# ' + this.room.name + (closed ? ' (closed)' : '');
    page.roomTitle.dataset.state = closed ? 'closed' : 'open';
    page.messageInput.disabled = closed;
    page.sendButton.disabled = closed;
    if (!closed && page.notice.textContent.startsWith('room closed: ')) {
      this.notice('');
    }
  },

  renderOnline() {
    const users = Array.from(this.room.online).sort();
    page.online.replaceChildren(...users.map((user) => {
      const item = element('li', user === this.me ? 'user me' : 'user', user);
      item.dataset.user = user;
      return item;
    }));
    page.onlineCount.textContent = '(' + users.length + ')';
  },

  renderTyping() {
    const users = Array.from(this.room ? this.room.typing.keys() : []).sort();
    let text = '';
    if (users.length === 1) {
      text = users[0] + ' is typing...';
    } else if (users.length === 2) {
      text = users[0] + ' and ' + users[1] + ' are typing...';
    } else if (users.length > 2) {
      text = users.length + ' people are typing...';
    }
    page.typing.textContent = text;
  },

  renderLoadOlder() {
    page.loadOlder.hidden = !(this.room && this.room.olderAvailable);
  },

  /** "sent", or who has read it, under one of this user's messages. */
  renderReadState(room, seq) {
    const shown = room.messages.get(seq);
    if (!shown) {
      return;
    }
    const readers = [];
    for (const [user, upTo] of room.readUpTo) {
      if (user !== this.me && upTo >= seq) {
        readers.push(user);
      }
    }
    readers.sort();
    if (readers.length > 0) {
      setStatus(shown.element, 'read by ' + readers.join(', '), 'read');
    } else {
      setStatus(shown.element, 'sent', 'sent');
    }
  },

  isNearEnd() {
    const s = page.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  },

  scrollToEnd() {
    page.scroller.scrollTop = page.scroller.scrollHeight;
  },

  notice(text, keepMs = 8000) {
    page.notice.textContent = text;
    clearTimeout(this.noticeTimer);
    if (keepMs > 0) {
      this.noticeTimer = setTimeout(() => {
        page.notice.textContent = '';
      }, keepMs);
    }
  },

  // --- Logging in and out ---

  showLogin(error) {
    page.chat.hidden = true;
    page.login.hidden = false;
    page.changeNickname.hidden = true;
    page.me.textContent = '';
    page.loginError.textContent = error || '';
    page.nickname.value = this.nickname || '';
    page.nickname.focus();
    sessionStorage.removeItem('parley.nickname');
    this.me = null;
  },

  logIn(nickname) {
    if (!USER_ID.test(nickname)) {
      page.loginError.textContent =
          'Use 1 to 64 letters, digits, ".", "_", "-" or "@" (no spaces).';
      return;
    }
    this.nickname = nickname;
    sessionStorage.setItem('parley.nickname', nickname);
    page.login.hidden = true;
    page.chat.hidden = false;
    page.changeNickname.hidden = false;
    page.loginError.textContent = '';
    this.outbox = [];
    this.room = new Room(roomFromAddress());
    this.renderRoom();
    this.connection = new Connection(this);
    this.connection.start();
    page.messageInput.focus();
  },

  logOut() {
    if (this.connection) {
      this.connection.stop();
    }
    this.room = null;
    this.showLogin('');
  },
};

// ---------------------------------------------------------------------------------------------
// Small helpers. Everything that shows text uses textContent.

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function messageElement(message, mine) {
  const item = element('li', mine ? 'message mine' : 'message');
  item.dataset.seq = String(message.seq);
  item.dataset.sender = message.sender;
  const meta = element('div', 'meta');
  meta.append(element('span', 'sender', message.sender));
  const time = element('time', 'time', formatTime(message.timestampMs));
  time.dateTime = new Date(Number(message.timestampMs || 0)).toISOString();
  meta.append(time);
  meta.append(element('span', 'seq', '#' + message.seq));
  item.append(meta);
  let text = message.text || '';
  if (!text && message.payload) {
    text = '(no text, ' + Math.floor(message.payload.length * 3 / 4) + ' bytes of data)';
  }
  item.append(element('p', 'text', text));
  const attachments = message.attachments || [];
  if (attachments.length > 0) {
    const list = element('ul', 'attachments');
    for (const attachment of attachments) {
      list.append(attachmentElement(attachment));
    }
    item.append(list);
  }
  if (mine) {
    item.append(element('span', 'state', 'sent'));
  }
  return item;
}

/**
 * One attachment: an image with a thumbnail shows it, and a click opens the full image; any other
 * file is a download link with its name and size. Names are text; links are the server's.
 */
function attachmentElement(attachment) {
  const item = element('li', 'attachment');
  const name = String(attachment.name || 'file');
  item.dataset.name = name;
  const url = String(attachment.url || '');
  const thumbnail = String(attachment.thumbnailUrl || '');
  if (thumbnail && url) {
    const button = element('button', 'thumbnail');
    button.type = 'button';
    button.title = name;
    const image = element('img');
    image.src = thumbnail;
    image.alt = name;
    image.loading = 'lazy';
    button.append(image);
    button.addEventListener('click', () => app.openViewer(url, name));
    item.append(button);
    return item;
  }
  const label = name + ' (' + formatSize(Number(attachment.size || 0)) + ')';
  if (url) {
    const link = element('a', 'file-link', label);
    link.href = url;
    link.download = name;
    link.rel = 'noopener';
    item.append(link);
  } else {
    item.append(element('span', 'file-link', label));
  }
  return item;
}

function formatSize(bytes) {
  if (bytes < 1024) {
    return bytes + ' B';
  }
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return value.toFixed(1) + ' ' + units[unit];
}

function pendingElement(text, clientMessageId) {
  const item = element('li', 'message mine pending');
  item.dataset.clientMessageId = clientMessageId;
  item.append(element('p', 'text', text));
  item.append(element('span', 'state', 'sending'));
  return item;
}

function setStatus(item, text, state) {
  const label = item.querySelector('.state');
  if (label) {
    label.textContent = text;
    label.dataset.state = state;
  }
}

function formatTime(timestampMs) {
  const date = new Date(Number(timestampMs || 0));
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** A client message id unlikely to repeat, even across tabs and reloads. */
function newClientMessageId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function roomFromAddress() {
  const name = decodeURIComponent(location.hash.slice(1));
  return ROOM_ID.test(name) ? name : DEFAULT_ROOM;
}

// ---------------------------------------------------------------------------------------------
// Wiring.

page.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  app.logIn(page.nickname.value.trim());
});

page.changeNickname.addEventListener('click', () => app.logOut());

page.roomForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = page.roomInput.value.trim();
  if (!ROOM_ID.test(name)) {
    app.notice('A room name is 1 to 128 letters, digits, ".", "_", "-", "@" or ":".');
    return;
  }
  app.switchRoom(name);
});

page.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = page.messageInput.value.trim();
  page.messageInput.value = '';
  app.sendWithFiles(text);
});

page.fileInput.addEventListener('change', () => {
  app.attachFiles(page.fileInput.files);
  page.fileInput.value = '';
});

page.conversation.addEventListener('dragover', (event) => {
  if (event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files')) {
    event.preventDefault();
    page.conversation.classList.add('dropping');
  }
});
page.conversation.addEventListener('dragleave', () => page.conversation.classList.remove('dropping'));
page.conversation.addEventListener('drop', (event) => {
  event.preventDefault();
  page.conversation.classList.remove('dropping');
  if (event.dataTransfer && event.dataTransfer.files.length > 0 && !page.messageInput.disabled) {
    app.attachFiles(event.dataTransfer.files);
  }
});

page.viewer.addEventListener('click', () => app.closeViewer());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !page.viewer.hidden) {
    app.closeViewer();
  }
});

page.messageInput.addEventListener('input', () => app.onInput());

page.loadOlder.addEventListener('click', () => app.loadOlder(app.room, false));

document.addEventListener('visibilitychange', () => app.scheduleReadReceipt());
window.addEventListener('focus', () => app.scheduleReadReceipt());
window.addEventListener('online', () => app.connection && app.connection.retryNow());

const remembered = sessionStorage.getItem('parley.nickname');
if (remembered && USER_ID.test(remembered)) {
  app.logIn(remembered);
} else {
  app.showLogin('');
}
