// The first script of the page: a classic script, so it runs before any of the app's modules
// load (which takes a few hundred milliseconds on a slow machine). Two jobs:
//
// 1. Zod compiles fast parsers with `new Function` when its probe says eval works. Our CSP forbids
//    eval, so the probe is refused — and Chromium reports each refusal as a CSP violation, noise
//    that would hide a real one. Zod reads this global config when its first schema is built,
//    while the app's modules load; z.config() in main.tsx would run after the chunks it imports.
//
// 2. Browser mode: open the socket to the host now. When the page opens on a workspace
//    (`#/w/<id>/…`) the socket says so (`?boot=<id>`) and the host answers the two calls the app
//    starts with (`workspaces.open` and the kept incidents list, `cache.preview`) unasked, so the
//    answers are waiting when the app has loaded. The app's host client (host-client.ts) takes
//    over the socket, the messages that came meanwhile and those answers. In the desktop app
//    (`window.driftdeskHost`, IPC) there is no socket to open.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });

(function () {
  'use strict';
  if (window.driftdeskHost || (location.protocol !== 'http:' && location.protocol !== 'https:')) return;
  var route = /^#\/?w\/([^/?]+)/.exec(location.hash);
  var workspaceId = null;
  if (route) {
    try {
      workspaceId = decodeURIComponent(route[1]);
    } catch (err) {
      workspaceId = route[1]; // taken as written, as the app's router does
    }
  }
  var url = (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/host';
  var socket;
  try {
    socket = new WebSocket(workspaceId === null ? url : url + '?boot=' + encodeURIComponent(workspaceId));
  } catch (err) {
    return; // the app opens its own and reports what goes wrong
  }
  socket.binaryType = 'arraybuffer';
  var boot = { socket: socket, inbox: [], calls: [] };
  socket.onmessage = function (event) {
    boot.inbox.push(event);
  };
  // The host answers these on a `?boot=` socket unasked (bootCalls in src/web-host/web-host.ts).
  if (workspaceId !== null) {
    boot.calls.push({ id: 'boot-1', channel: 'workspaces.open', req: { workspaceId: workspaceId } });
    boot.calls.push({ id: 'boot-2', channel: 'cache.preview', req: { docId: workspaceId, list: 'incidents' } });
  }
  window.__driftdeskBoot = boot;
})();
