import { describe, expect, it } from 'vitest';
import { ShutdownState } from './shutdown-state.js';

describe('ShutdownState', () => {
  it('tells its listeners once when the drain begins, and late ones at once', () => {
    const state = new ShutdownState();
    const heard: string[] = [];
    state.onDrain(() => heard.push('early'));
    const unsubscribe = state.onDrain(() => heard.push('gone'));
    unsubscribe();
    expect(state.draining).toBe(false);
    state.beginDrain();
    state.beginDrain();
    state.onDrain(() => heard.push('late'));
    expect(state.draining).toBe(true);
    expect(heard).toEqual(['early', 'late']);
  });
});
