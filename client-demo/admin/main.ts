/**
 * @module
 * The admin page's script, bundled by esbuild to /static/admin.js: one shell page for every admin
 * path, the view chosen by the path (/admin/: users and the security events; /admin/users/{id}/: one
 * user and their events). It calls the admin API through the SDK as the page's cookie session; no
 * token is ever held by the page.
 */
import { $, me, Shown } from './common.ts';
import { startEventsView } from './events.ts';
import { startUserView } from './user.ts';
import { startUsersView } from './users.ts';

function start(): void {
  $('admin-username').textContent = me.username;
  $('loading').hidden = true;
  const userPath = /^\/admin\/users\/(\d+)\/?$/.exec(location.pathname);
  if (userPath) {
    startUserView(Number(userPath[1])).catch((err) => {
      if (!(err instanceof Shown)) throw err;
    });
  } else {
    startUsersView();
    startEventsView();
  }
}

start();
