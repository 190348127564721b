/** One Server-Sent Event, as dispatched by {@link SseParser}. */
export interface SseEvent {
  /** The last event id seen on the stream (the `id:` of this event or an earlier one). */
  id: string | undefined;
  /** The `event:` field, `message` when absent. */
  event: string;
  data: string;
}

export class SseOverflowError extends Error {
  override readonly name = 'SseOverflowError';
}

export interface SseParserOptions {
  onEvent(event: SseEvent): void;
  /** A `retry:` field: the server's reconnection delay in milliseconds. */
  onRetry?(ms: number): void;
  /** Longest line kept, in characters; a longer one is an error (the stream is dropped). */
  maxLineLength?: number;
  /** Largest `data` of one event, in characters. */
  maxDataLength?: number;
}

/**
 * Incremental `text/event-stream` parser (WHATWG HTML, "Server-sent events", parsing rules):
 * lines end in CRLF, LF or CR (also split across chunks); `:` starts a comment; a blank line
 * dispatches the event; an id containing NUL is ignored. The line and data buffers are bounded,
 * so a server that never ends a line cannot grow this process's memory.
 */
export class SseParser {
  private line = '';
  /** The previous chunk ended in CR: a LF at the start of the next one belongs to it. */
  private skipLf = false;
  private data: string[] = [];
  private dataLength = 0;
  private eventType = '';
  /** The `id:` read in the event being received; it becomes the last id when the event completes. */
  private idBuffer: string | undefined;
  private lastEventId: string | undefined;
  private readonly maxLine: number;
  private readonly maxData: number;

  constructor(private readonly options: SseParserOptions) {
    this.maxLine = options.maxLineLength ?? 64 * 1024;
    this.maxData = options.maxDataLength ?? 256 * 1024;
  }

  /** The id a reconnection should send as `Last-Event-ID`. */
  get lastId(): string | undefined {
    return this.lastEventId;
  }

  set lastId(id: string | undefined) {
    this.lastEventId = this.idBuffer = id;
  }

  push(chunk: string): void {
    let start = 0;
    if (this.skipLf) {
      this.skipLf = false;
      if (chunk.charCodeAt(0) === 10) start = 1;
    }
    for (let i = start; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.takeLine(this.line + chunk.slice(start, i));
      this.line = '';
      if (c === 13) {
        if (i + 1 === chunk.length) this.skipLf = true;
        else if (chunk.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    if (start < chunk.length) {
      this.line += chunk.slice(start);
      if (this.line.length > this.maxLine) throw new SseOverflowError(`An event-stream line is longer than ${this.maxLine} characters.`);
    }
  }

  /** Forget a half-received event (the connection dropped); the last id is kept for resuming. */
  reset(): void {
    this.line = '';
    this.skipLf = false;
    this.data = [];
    this.dataLength = 0;
    this.eventType = '';
    this.idBuffer = this.lastEventId;
  }

  private takeLine(line: string): void {
    if (line.length > this.maxLine) throw new SseOverflowError(`An event-stream line is longer than ${this.maxLine} characters.`);
    if (line === '') return this.dispatch();
    if (line.charCodeAt(0) === 58) return; // ':' comment, e.g. the heartbeat
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.dataLength += value.length + 1;
        if (this.dataLength > this.maxData) throw new SseOverflowError(`An event's data is longer than ${this.maxData} characters.`);
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.options.onRetry?.(Number(value));
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    this.lastEventId = this.idBuffer;
    const data = this.data;
    const event = this.eventType || 'message';
    this.data = [];
    this.dataLength = 0;
    this.eventType = '';
    if (data.length === 0) return;
    this.options.onEvent({ id: this.lastEventId, event, data: data.join('\n') });
  }
}
