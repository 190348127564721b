import { type SseEvent, SseParser } from '@latchkey/nest/core';

/** An open Server-Sent Events connection in a suite: events as parsed, and comments counted. */
export interface EventStream {
  status: number;
  headers: Headers;
  events: SseEvent[];
  /** The stream's raw text so far (heartbeats and comments included). */
  text(): string;
  /** The next `count` events not read yet, once they have arrived (bounded by `timeoutMs`). */
  read(count?: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** The next event's `data`, parsed. */
  readData(timeoutMs?: number): Promise<unknown>;
  /** Resolves when the server ended the stream (bounded by `timeoutMs`). */
  ended(timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: SseEvent[] = [];
  let raw = '';
  let done = false;
  let cursor = 0;
  const parser = new SseParser({ onEvent: (event) => events.push(event) });
  const reading =
    response.status === 200 && response.body
      ? (async () => {
          const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
          try {
            for (;;) {
              const { done: finished, value } = await reader.read();
              if (finished) break;
              raw += value;
              parser.push(value);
            }
          } catch {
            // aborted by close()
          } finally {
            done = true;
          }
        })()
      : Promise.resolve().then(() => void (done = true));
  const waitFor = async (condition: () => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(events)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  async function read(count = 1, timeoutMs = 3_000): Promise<SseEvent[]> {
    const from = cursor;
    await waitFor(() => events.length >= from + count, timeoutMs, `${count} more event(s) after ${from}`);
    cursor = from + count;
    return events.slice(from, cursor);
  }
  return {
    status: response.status,
    headers: response.headers,
    events,
    text: () => raw,
    read,
    async readData(timeoutMs = 3_000) {
      const [event] = await read(1, timeoutMs);
      return JSON.parse(event.data) as unknown;
    },
    async ended(timeoutMs = 3_000) {
      await waitFor(() => done, timeoutMs, 'the stream to end');
      await reading;
    },
    close() {
      controller.abort();
    },
  };
}
