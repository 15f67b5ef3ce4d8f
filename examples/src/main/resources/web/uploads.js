// A small client for Parley's uploads: the tus 1.0.0 protocol (docs/attachments.md, "Uploads").
// POST creates the upload, PATCH sends the file in chunks, a dropped connection resumes from the
// offset the server reports (HEAD), and GET fetches the finished upload's token and description.
// Every request carries the chat credentials. A server whose blob store is down answers 503
// ATTACHMENTS_UNAVAILABLE: that ends the upload at once, so the page can say so and chat on.

const TUS_VERSION = '1.0.0';
const CHUNK_BYTES = 1024 * 1024;
const MAX_FAILURES = 5;
const RETRY_INITIAL_MS = 250;
const RETRY_MAX_MS = 5_000;

/** Why an upload ended without a token: the server's code and message. */
export class UploadFailed extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }

  /** The server cannot take files now (its blob store is down); chat still works. */
  get unavailable() {
    return this.status === 503 || this.code === 'ATTACHMENTS_UNAVAILABLE';
  }
}

/** A failure another attempt may get past: no answer, 409 (offset mismatch), 5xx but 503. */
class Retry extends Error {}

export class TusUpload {
  /**
   * @param endpoint the upload endpoint, such as https://host/chat/uploads
   * @param file a File (from the picker or a drop)
   * @param token the chat credentials, sent as "Authorization: Bearer"
   * @param onProgress called with (bytesConfirmed, size) after each chunk
   */
  constructor(endpoint, file, token, onProgress) {
    this.endpoint = endpoint;
    this.file = file;
    this.token = token;
    this.onProgress = onProgress || (() => {});
    this.location = null;
    this.cancelled = false;
  }

  /** Uploads the file; resolves with { token, attachment } or rejects with an UploadFailed. */
  async run() {
    this.location = await this.retrying(() => this.create());
    let offset = 0;
    let known = true;
    let failures = 0;
    for (;;) {
      this.checkCancelled();
      try {
        if (!known) {
          offset = await this.offset();
          known = true;
        }
        if (offset >= this.file.size) {
          return await this.finish();
        }
        offset = await this.patch(offset);
        failures = 0;
        this.onProgress(offset, this.file.size);
      } catch (e) {
        if (!(e instanceof Retry)) {
          throw e;
        }
        failures = await this.pause(e, failures);
        known = false;
      }
    }
  }

  /** Stops the upload and deletes what the server has of it. */
  cancel() {
    this.cancelled = true;
    if (this.location) {
      fetch(this.location, { method: 'DELETE', headers: this.headers() }).catch(() => {});
    }
  }

  async create() {
    const response = await this.request(this.endpoint, 'POST', {
      'Upload-Length': String(this.file.size),
      'Upload-Metadata': 'filename ' + base64(this.file.name || 'file'),
    });
    const location = response.headers.get('Location');
    if (!location) {
      throw new UploadFailed('INTERNAL', 'the server created the upload without a Location', 201);
    }
    return new URL(location, this.endpoint).toString();
  }

  async offset() {
    const response = await this.request(this.location, 'HEAD', {});
    return offsetOf(response);
  }

  async patch(offset) {
    const chunk = this.file.slice(offset, Math.min(this.file.size, offset + CHUNK_BYTES));
    const response = await this.request(this.location, 'PATCH', {
      'Content-Type': 'application/offset+octet-stream',
      'Upload-Offset': String(offset),
    }, chunk);
    const next = offsetOf(response);
    if (next <= offset) {
      throw new Retry('the server took none of the chunk');
    }
    return next;
  }

  async finish() {
    const response = await this.request(this.location, 'GET', {});
    const answer = await response.json();
    if (!answer || !answer.token || !answer.attachment) {
      throw new UploadFailed('INTERNAL', 'the server\'s answer has no token', response.status);
    }
    return answer;
  }

  async retrying(step) {
    let failures = 0;
    for (;;) {
      this.checkCancelled();
      try {
        return await step();
      } catch (e) {
        if (!(e instanceof Retry)) {
          throw e;
        }
        failures = await this.pause(e, failures);
      }
    }
  }

  /** Waits before the next attempt (full jitter), or gives up after too many failures. */
  async pause(failure, failures) {
    const count = failures + 1;
    if (count >= MAX_FAILURES) {
      throw new UploadFailed('UNAVAILABLE', 'the upload keeps failing: ' + failure.message, 0);
    }
    const ceiling = Math.min(RETRY_MAX_MS, RETRY_INITIAL_MS * 2 ** count);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    return count;
  }

  checkCancelled() {
    if (this.cancelled) {
      throw new UploadFailed('CANCELLED', 'the upload was cancelled', 0);
    }
  }

  headers() {
    return { 'Authorization': 'Bearer ' + this.token, 'Tus-Resumable': TUS_VERSION };
  }

  async request(url, method, headers, body) {
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: { ...this.headers(), ...headers },
        body,
        cache: 'no-store',
      });
    } catch (e) {
      throw new Retry(method + ' got no answer');
    }
    if (response.ok) {
      return response;
    }
    const error = await errorOf(response);
    if (response.status === 409 || (response.status >= 500 && response.status !== 503)) {
      throw new Retry(error.message);
    }
    throw error;
  }
}

async function errorOf(response) {
  let code = response.headers.get('Parley-Error') || '';
  let message = 'HTTP ' + response.status;
  try {
    const body = await response.json();
    code = code || String(body.error || '');
    message = String(body.message || message);
  } catch (e) {
    // not the server's JSON error: the status says enough
  }
  return new UploadFailed(code, message, response.status);
}

function offsetOf(response) {
  const offset = Number(response.headers.get('Upload-Offset'));
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new Retry('the server answered without a valid Upload-Offset');
  }
  return offset;
}

function base64(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}
