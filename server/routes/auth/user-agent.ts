/**
 * @module
 * A readable default label for a token ("Firefox on Linux", "curl 8.5") from the User-Agent, so a user
 * can tell their sessions apart without naming them.
 */

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux|X11/, 'Linux'],
];

/** Derives a short label from a User-Agent header; "unknown client" when there is none. */
export function labelFromUserAgent(ua: string | undefined): string {
  if (!ua) return 'unknown client';
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  if (browser) {
    const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
    return system ? `${browser} on ${system}` : browser;
  }
  const tool = /^([\w.-]+)\/([\w.]+)/.exec(ua);
  return tool ? `${tool[1]} ${tool[2]}` : ua.slice(0, 60);
}
