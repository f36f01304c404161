/**
 * @module
 * Accessibility checks for the browser tests: axe-core (the engine of browsers' accessibility audits,
 * an npm dev dependency, read from node_modules: nothing from a CDN) evaluated in the page through the
 * DevTools protocol, so the pages' Content-Security-Policy needs no exception. Each audit's results are
 * written to test-results/axe/<state>.json beside the screenshot of the same state.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT, screenshot } from './support.ts';

const require = createRequire(import.meta.url);
let source: string | undefined;

/** The rule sets checked: WCAG 2.0, 2.1 and 2.2 levels A and AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** One rule that failed, with where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  tags: string[];
  help: string;
  nodes: { target: string; summary: string }[];
}

/** Runs axe-core on the page as it is now; `exclude` lists selectors left out (markup not ours). */
export async function axeViolations(page: Page, exclude: string[] = []): Promise<AxeViolation[]> {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  return page.evaluate(
    async ({ tags, exclude }) => {
      // biome-ignore lint/suspicious/noExplicitAny: axe-core's global, injected above
      const axe = (window as any).axe;
      const context = exclude.length ? { exclude: exclude.map((s) => [s]) } : document;
      const result = await axe.run(context, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      // biome-ignore lint/suspicious/noExplicitAny: axe-core's result shape
      return result.violations.map((v: any) => ({
        id: v.id,
        impact: v.impact,
        tags: v.tags,
        help: v.help,
        // biome-ignore lint/suspicious/noExplicitAny: axe-core's result shape
        nodes: v.nodes.map((n: any) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }));
    },
    { tags: AXE_TAGS, exclude },
  );
}

/** `id (impact, N nodes)` per violation: how the results are reported. */
export const summarize = (violations: AxeViolation[]) =>
  violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);

/**
 * Audits the page in the state `name` and fails on any violation: a screenshot and the results go to
 * test-results/ first, so a failure can be looked at.
 */
export async function expectAccessible(page: Page, name: string, exclude: string[] = []): Promise<void> {
  // Let transitions (spectre's, the dialog's) finish: axe measures colours as rendered.
  // A cancelled animation rejects `finished` with an AbortError: it is over all the same.
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
  );
  const violations = await axeViolations(page, exclude);
  await saveAudit(name, violations);
  await screenshot(page, name);
  expect(
    violations.map((v) => ({ ...v, nodes: v.nodes.slice(0, 3) })),
    `axe: ${name}`,
  ).toEqual([]);
}

/** Writes an audit's results to test-results/axe/<name>.json. */
export async function saveAudit(name: string, violations: AxeViolation[]): Promise<void> {
  const dir = join(ROOT, 'test-results/axe');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(violations, null, 2)}\n`);
}

/**
 * Presses Tab up to `limit` times from the top of the page and returns a name for each element that
 * took the focus (id, else role and accessible text), stopping when the focus comes round again.
 */
export async function tabOrder(page: Page, limit = 80): Promise<string[]> {
  // Start from the top: focus a placeholder that Tab leaves for the page's first focusable element.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.id = 'tab-order-start';
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
  });
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return '';
      return (
        el.id ||
        `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim()}`
      );
    });
    if (seen.includes(name)) break;
    if (name !== '') seen.push(name);
  }
  await page.evaluate(() => document.getElementById('tab-order-start')?.remove());
  return seen;
}
