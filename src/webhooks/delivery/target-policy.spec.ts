import { describe, expect, it } from 'vitest';
import { type HostRule, parseHostRule } from '../../config/lifecycle-settings.js';
import { addressPermitted, urlProblem } from './target-policy.js';

const rules = (...entries: string[]): HostRule[] => entries.map((entry) => parseHostRule(entry) as HostRule);

describe('webhook target policy', () => {
  it.each([
    ['https://hooks.example.com/x', [], null],
    ['http://hooks.example.com:8080/x?y=1', [], null],
    ['ftp://hooks.example.com/x', [], /http or https/],
    ['javascript:alert(1)', [], /http or https/],
    ['not a url', [], /absolute/],
    ['https://user:pw@hooks.example.com/', [], /user name or password/],
    ['https://hooks.example.com/#frag', [], /fragment/],
    ['http://127.0.0.1/x', [], /may not be sent/],
    ['http://[::1]/x', [], /may not be sent/],
    ['http://10.1.2.3/x', [], /may not be sent/],
    ['http://169.254.169.254/latest', [], /may not be sent/],
    ['http://100.64.0.1/', [], /may not be sent/],
    ['http://0.0.0.0/', [], /may not be sent/],
    ['http://[::ffff:127.0.0.1]/', [], /may not be sent/],
    ['http://2130706433/', [], /may not be sent/],
    ['http://0x7f.1/', [], /may not be sent/],
    ['http://8.8.8.8/', [], null],
    ['http://127.0.0.1:9999/x', ['127.0.0.1'], null],
    ['http://10.1.2.3/x', ['10.0.0.0/8'], null],
    ['http://10.1.2.3/x', ['127.0.0.1'], /may not be sent/],
    ['https://hooks.example.com/x', ['other.example.com'], /not in WEBHOOK_ALLOWED_HOSTS/],
    ['https://a.hooks.example.com/x', ['*.hooks.example.com'], null],
    ['https://hooks.example.com.evil.test/x', ['*.hooks.example.com'], /not in WEBHOOK_ALLOWED_HOSTS/],
    ['https://evilhooks.example.com/x', ['*.hooks.example.com'], /not in WEBHOOK_ALLOWED_HOSTS/],
    [`https://e.com/${'a'.repeat(2100)}`, [], /at most 2048/],
  ] as const)('%s with %o', (url, allowed, expected) => {
    const problem = urlProblem(url, rules(...allowed));
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it.each([
    ['hooks.example.com', '93.184.216.34', [], true],
    ['hooks.example.com', '10.0.0.5', [], false],
    ['hooks.example.com', '127.0.0.1', [], false],
    ['hooks.example.com', 'fe80::1', [], false],
    ['hooks.example.com', '::ffff:10.0.0.5', [], false],
    // An exact name may resolve inside; a wildcard may not; a range admits what it covers.
    ['hooks.internal', '10.0.0.5', ['hooks.internal'], true],
    ['a.internal', '10.0.0.5', ['*.internal'], false],
    ['a.internal', '93.184.216.34', ['*.internal'], true],
    ['anything.example', '10.20.1.1', ['10.20.0.0/16'], true],
    ['anything.example', '10.21.1.1', ['10.20.0.0/16'], false],
    ['other.example', '93.184.216.34', ['hooks.example.com'], false],
  ] as const)('%s resolving to %s with %o', (host, address, allowed, expected) => {
    expect(addressPermitted(host, address, rules(...allowed))).toBe(expected);
  });
});
