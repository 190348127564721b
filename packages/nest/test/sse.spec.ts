import { describe, expect, it } from 'vitest';
import { parseChange } from '../src/core/events.js';
import { type SseEvent, SseOverflowError, SseParser } from '../src/core/sse.js';

function parse(chunks: string[], options: { maxLineLength?: number; maxDataLength?: number } = {}): { events: SseEvent[]; retries: number[]; parser: SseParser } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser({ onEvent: (event) => events.push(event), onRetry: (ms) => retries.push(ms), ...options });
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries, parser };
}

describe('SseParser', () => {
  it('reads Latchkey’s credential events and skips heartbeats', () => {
    const { events, parser } = parse([': heartbeat\n\n', 'id: 7\nevent: credential\ndata: {"kind":"identity","ids":[71]}\n\n', ': heartbeat\n\n']);
    expect(events).toEqual([{ id: '7', event: 'credential', data: '{"kind":"identity","ids":[71]}' }]);
    expect(parser.lastId).toBe('7');
  });

  it('handles any split of the bytes and any line ending', () => {
    const text = 'id: 1\r\nevent: credential\r\ndata: a\r\n\r\nid: 2\revent: credential\rdata: b\r\rid: 3\nevent: credential\ndata: c\n\n';
    const whole = parse([text]).events;
    expect(whole.map((e) => [e.id, e.data])).toEqual([['1', 'a'], ['2', 'b'], ['3', 'c']]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse([text.slice(0, cut), text.slice(cut)]).events, `cut at ${cut}`).toEqual(whole);
    }
    expect(parse(text.split('')).events).toEqual(whole);
  });

  it('joins multi-line data, strips one leading space, and defaults the type to message', () => {
    const { events } = parse(['data:first\ndata:  second\ndata\n\n']);
    expect(events).toEqual([{ id: undefined, event: 'message', data: 'first\n second\n' }]);
  });

  it('keeps the last id across events, takes an id only when its event completes, ignores ids with NUL', () => {
    const { events, parser } = parse(['id: 4\ndata: x\n\ndata: y\n\nid: 5\n']);
    expect(events.map((e) => e.id)).toEqual(['4', '4']);
    expect(parser.lastId).toBe('4');
    parser.push('\n');
    expect(parser.lastId).toBe('5');
    parser.push('id: 6\0\ndata: z\n\n');
    expect(parser.lastId).toBe('5');
  });

  it('forgets a half-received event on reset but keeps the last complete id', () => {
    const { events, parser } = parse(['id: 1\ndata: a\n\nid: 2\nevent: credential\ndata: half']);
    parser.reset();
    parser.push('\n\n');
    expect(events.map((e) => e.data)).toEqual(['a']);
    expect(parser.lastId).toBe('1');
  });

  it('reports retry fields that are digits only', () => {
    expect(parse(['retry: 2500\nretry: soon\n\n']).retries).toEqual([2500]);
  });

  it('bounds the line and the data it keeps', () => {
    expect(() => parse(['data: ' + 'x'.repeat(100)], { maxLineLength: 50 })).toThrow(SseOverflowError);
    expect(() => parse(['data: ' + 'x'.repeat(30) + '\n'.repeat(1) + 'data: ' + 'y'.repeat(30) + '\n'], { maxLineLength: 50, maxDataLength: 40 })).toThrow(SseOverflowError);
  });
});

describe('parseChange', () => {
  it.each([
    ['{"kind":"identity","ids":[71,72]}', { kind: 'identity', ids: [71, 72] }],
    ['{"kind":"user","ids":["u-1"]}', { kind: 'user', ids: ['u-1'] }],
    ['{"kind":"company","ids":["c-1"]}', { kind: 'company', ids: ['c-1'] }],
    ['{"kind":"permission","ids":["vm:write"]}', { kind: 'permission', ids: ['vm:write'] }],
    ['{"kind":"all"}', { kind: 'all' }],
  ])('reads %s', (data, change) => {
    expect(parseChange(data)).toEqual({ change, understood: true });
  });

  it.each(['not json', '{"kind":"identity","ids":["71"]}', '{"kind":"user"}', '{"kind":"group","ids":["g"]}', 'null'])('treats %s as everything changed', (data) => {
    expect(parseChange(data)).toEqual({ change: { kind: 'all' }, understood: false });
  });
});
