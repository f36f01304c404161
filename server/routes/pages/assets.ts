/**
 * @module
 * The static files of the pages (demo client, docs console): a runtime-neutral interface the app is
 * given, so server/app.ts never touches a filesystem. The entries pass {@link nodeAssets} (node:fs,
 * which Deno supports too); an app built without assets (tests, edge runtimes) serves the API alone.
 */

/** One static file, ready to send. */
export interface StaticAsset {
  body: Uint8Array | string;
  /** The Content-Type header. */
  type: string;
  /** The Cache-Control header. */
  cacheControl: string;
}

/** Names of the files the pages use, served at `/static/<name>`. */
export const ASSET_NAMES = [
  'app.js',
  'admin.js',
  'app.css',
  'spectre.min.css',
  'spectre-icons.min.css',
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon.png',
] as const;

/** A name from {@link ASSET_NAMES}. */
export type AssetName = (typeof ASSET_NAMES)[number];

/** Supplies the pages' files; implementations cache them, so a call after the first is cheap. */
export interface Assets {
  /** A file served at `/static/<name>`. */
  get(name: AssetName): Promise<StaticAsset>;
  /** The demo client's HTML; its `latchkey-api` meta tag is empty (same origin). */
  indexHtml(): Promise<string>;
  /** The admin page's HTML (client-demo/admin.html); the admin route fills in the user and CSRF token. */
  adminHtml(): Promise<string>;
}

/** True when `name` is one of the served files (the rest of the URL space answers 404). */
export function isAssetName(name: string): name is AssetName {
  return (ASSET_NAMES as readonly string[]).includes(name);
}
