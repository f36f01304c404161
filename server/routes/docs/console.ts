/**
 * @module
 * The interactive docs console at /docs: swagger-ui-dist, every file served by this server (no CDN: it
 * runs offline). The page explains the one thing Swagger UI cannot: the Token scheme's value is the whole
 * header, `Token <key>`. To make that hard to get wrong, the console also authorizes itself after a
 * successful login made from it, reuses the demo page's key when there is one (same origin), and adds
 * the missing `Token ` keyword to a bare key.
 */

/** The console's HTML. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Latchkey API docs</title>
  <link rel="icon" href="/static/favicon.png">
  <link rel="stylesheet" href="/static/swagger-ui.css">
  <link rel="stylesheet" href="/docs/console.css">
</head>
<body>
  <header class="lk-help" id="lk-help">
    <h1>Latchkey API docs</h1>
    <p><strong>Try the API from here.</strong></p>
    <ol>
      <li>Log in: open <code>POST /rest-auth/login/</code>, fill in <code>username</code> and <code>password</code>, press <em>Execute</em>. The console then authorizes itself with the new key.</li>
      <li>Or press <em>Authorize</em> and paste <code>Token &lt;key&gt;</code>: the value is the whole header, keyword included (a bare key gets <code>Token </code> added).</li>
      <li>Call <code>GET /test_auth/</code>: 200 <code>"Hello &lt;username&gt;!"</code>.</li>
    </ol>
    <p id="lk-status" role="status"></p>
  </header>
  <div id="swagger-ui"></div>
  <script src="/static/swagger-ui-bundle.js"></script>
  <script src="/docs/console.js"></script>
</body>
</html>`;

/**
 * The page's own styles, a file rather than inline (a strict CSP needs no 'unsafe-inline'), with
 * overrides of Swagger UI's colours that fail WCAG AA contrast.
 */
export const DOCS_CSS = `body { margin: 0; }
.lk-help { max-width: 1420px; margin: 0 auto; padding: 14px 20px 0; font: 14px/1.5 sans-serif; color: #3b4151; }
.lk-help h1 { font-size: 1.6em; margin: 0 0 6px; }
.lk-help p { margin: 6px 0; }
.lk-help code { background: #eef1f4; padding: 1px 4px; border-radius: 3px; }
.lk-help ol { margin: 6px 0; padding-left: 22px; }
#lk-status { color: #1b7a3a; font-weight: bold; min-height: 1.5em; }
/* Swagger UI's colours that fail 4.5:1, darkened (same hues). */
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1f6fb2; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1a7f4b; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #c62828; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0f7a6a; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #a34f00; }
.swagger-ui .btn.authorize, .swagger-ui .btn.authorize span { color: #1a7f4b; border-color: #1a7f4b; }
.swagger-ui .btn.authorize svg { fill: #1a7f4b; }
.swagger-ui .info .title small pre { background: #555d6b; }
.swagger-ui .info .title small.version-stamp { background: #4d6b00; }
.swagger-ui .info .title small.version-stamp pre { background: #4d6b00; }
.swagger-ui .info a, .swagger-ui .link, .swagger-ui a.nostyle { color: #1f5f9e; }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #4f4f4f; }
.swagger-ui .btn.try-out__btn.cancel { color: #c62828; border-color: #c62828; }
.swagger-ui .btn.execute { background: #1f5f9e; border-color: #1f5f9e; }
.swagger-ui .download-contents { background: #555d6b; }
.swagger-ui table.headers .header-example { color: #5b5b5b; }
`;

/** The console's start-up script (plain browser JavaScript). */
export const DOCS_JS = `'use strict';
(function () {
  var SCHEME = 'Token';
  var status = document.getElementById('lk-status');
  var ui;
  function authorize(key, why) {
    if (!ui || !key) return;
    ui.preauthorizeApiKey(SCHEME, 'Token ' + key);
    status.textContent = 'Authorized with ' + why + ' (key ' + key.slice(0, 8) + '…).';
  }
  function demoKey() {
    var stores = [window.localStorage, window.sessionStorage];
    for (var i = 0; i < stores.length; i++) {
      try {
        var saved = JSON.parse(stores[i].getItem('latchkey.auth') || 'null');
        if (saved && typeof saved.key === 'string') return saved;
      } catch (e) {}
    }
    return null;
  }
  function persisted() {
    try {
      var saved = JSON.parse(window.localStorage.getItem('authorized') || 'null');
      return Boolean(saved && saved[SCHEME]);
    } catch (e) {
      return false;
    }
  }
  // Swagger UI renders the request body's textarea without a label (axe: critical): name it.
  new MutationObserver(function () {
    var boxes = document.querySelectorAll('textarea.body-param__text:not([aria-label])');
    for (var i = 0; i < boxes.length; i++) boxes[i].setAttribute('aria-label', 'Request body');
  }).observe(document.getElementById('swagger-ui'), { childList: true, subtree: true });
  fetch('/openapi.json')
    .then(function (res) { return res.json(); })
    .then(function (spec) {
      // No servers: Swagger UI then calls the origin that served this page, whatever host and port it
      // runs on, and shows no servers drop-down (an unlabelled select, a critical axe failure).
      delete spec.servers;
      ui = SwaggerUIBundle({
        spec: spec,
        dom_id: '#swagger-ui',
        // Off: deep links put a link inside each operation's toggle button (nested-interactive) and
        // make 19-pixel-high targets (WCAG 2.2 target-size), 24 serious axe failures.
        deepLinking: false,
        persistAuthorization: true,
        tryItOutEnabled: true,
        displayRequestDuration: true,
        requestInterceptor: function (req) {
          var header = req.headers && req.headers.Authorization;
          if (header && !/^(token|bearer)\\s/i.test(header)) req.headers.Authorization = 'Token ' + header.trim();
          return req;
        },
        responseInterceptor: function (res) {
          if (res.status === 200 && /\\/rest-auth\\/login\\/?$/.test(new URL(res.url).pathname)) {
            var body = res.body;
            try { if (!body || typeof body !== 'object') body = JSON.parse(res.text); } catch (e) {}
            if (body && body.key) authorize(body.key, 'the key from this login');
          }
          return res;
        },
        onComplete: function () {
          // Deferred: onComplete can run before SwaggerUIBundle has returned the ui object.
          setTimeout(function () {
            var demo = demoKey();
            if (demo && !persisted()) authorize(demo.key, 'the demo page’s login as ' + demo.username);
          }, 0);
        },
      });
    })
    .catch(function (err) {
      status.textContent = 'Could not load /openapi.json: ' + err;
    });
})();
`;
