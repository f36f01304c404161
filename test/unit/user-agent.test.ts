/**
 * The default label of a token made by a login without one (server/routes/auth/user-agent.ts), from
 * real User-Agent strings: the browser, then the system, in the order that tells look-alikes apart
 * (Edge and Opera also say Chrome and Safari; Android also says Linux; iOS also says Mac OS X).
 */
import { describe, expect, it } from 'vitest';
import { labelFromUserAgent } from '../../server/routes/auth/user-agent.ts';

describe('labelFromUserAgent', () => {
  it.each([
    [
      'Edge on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
    ],
    [
      'Opera on macOS',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
    ],
    ['Firefox on Linux', 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'],
    [
      'Chrome on Android',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36',
    ],
    [
      'Chrome on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    ],
    [
      'Chrome on Linux',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
    ],
    [
      'Safari on iOS',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
    ],
    [
      'Safari on iOS',
      'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
    ],
    [
      'Safari on macOS',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    ],
    ['Firefox', 'Mozilla/5.0 (compatible; rv:133.0) Gecko/20100101 Firefox/133.0'],
  ])('names %s', (label, userAgent) => {
    expect(labelFromUserAgent(userAgent)).toBe(label);
  });

  it.each([
    ['curl 8.5.0', 'curl/8.5.0'],
    ['python-requests 2.32.3', 'python-requests/2.32.3'],
    ['unknown client', undefined],
    ['unknown client', ''],
  ])('names a tool or nothing: %s', (label, userAgent) => {
    expect(labelFromUserAgent(userAgent)).toBe(label);
  });

  it('keeps at most 60 characters of anything else', () => {
    const odd = `(${'x'.repeat(100)})`;
    expect(labelFromUserAgent(odd)).toBe(odd.slice(0, 60));
  });
});
