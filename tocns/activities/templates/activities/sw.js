{% load i18n %}/* tocns service worker {{ version }}: keeps the report form and its files on the phone. */
"use strict";
var SHELL = "tocns-shell-{{ version }}";
var PAGES = "tocns-pages";
var REPORT = "{% url 'activities:report' %}";
var HANDBOOK = "{% url 'handbook:index' %}";
var GUIDES = "{% url 'handbook:offline_list' %}";
var SHELL_URLS = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var OFFLINE = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'><title>tocns</title>" +
  "<p style='font:20px system-ui;padding:1rem'>{% translate 'Không có mạng. Trang này chưa được lưu trên điện thoại.' as msg %}{{ msg|escapejs }} " +
  "<a href='" + REPORT + "'>{% translate 'Mở trang báo cáo' as open %}{{ open|escapejs }}</a></p>";

function keep(url, response) {
  /* Only a real page: a redirect (to sign-in) or an error page must not stand in for the form.
     Resolves to whether the page was kept. */
  if (!response.ok || response.redirected || response.type !== "basic") return Promise.resolve(false);
  var copy = response.clone();
  return caches.open(PAGES).then(function (cache) { return cache.put(url, copy); }).then(function () { return true; });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); }).then(function () {
      return fetch(REPORT, { credentials: "same-origin" }).then(function (r) { return keep(REPORT, r); }, function () {});
    }).then(function () { return self.skipWaiting(); })
  );
});

/* Pages read offline: the report form, and handbook articles (kept each time one is opened online). */
function keepsPage(path) { return path === REPORT || (path.indexOf(HANDBOOK) === 0 && path !== GUIDES); }

/* The guides for every service, so a member can show them in a village without signal. The list's
   version changes when a guide does; then every guide is fetched again. Otherwise only those missing
   from the phone are: a fetch cut off when the signal dropped, a copy the phone cleared. The version is
   written once no fetch failed for want of a network, and a sync that met none is not repeated for ten
   minutes. One sync runs at a time. */
var guidesCheckedAt = 0, syncing = null;
function fetchGuides(cache, urls, changed) {
  return Promise.all(urls.map(function (url) {
    return (changed ? Promise.resolve(null) : cache.match(url)).then(function (hit) {
      if (hit) return true;
      /* Kept, or answered without a page (false): the server was reached. Unreached: null. */
      return fetch(url, { credentials: "same-origin" }).then(function (r) { return keep(url, r); }, function () { return null; });
    });
  })).then(function (results) { return results.indexOf(null) < 0; });
}
function syncGuides() {
  if (syncing || Date.now() - guidesCheckedAt < 600000) return syncing || Promise.resolve();
  guidesCheckedAt = Date.now();
  syncing = fetch(GUIDES, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (list) {
    if (!list || !list.version) return;
    return caches.open(PAGES).then(function (cache) {
      return cache.match(GUIDES).then(function (old) { return old ? old.json() : null; }).then(function (stored) {
        return fetchGuides(cache, list.urls, !stored || stored.version !== list.version);
      }).then(function (reached) {
        if (!reached) { guidesCheckedAt = 0; return; }
        return cache.put(GUIDES, new Response(JSON.stringify(list), { headers: { "Content-Type": "application/json" } }));
      });
    });
  }, function () { guidesCheckedAt = 0; }).catch(function () {}).then(function () { syncing = null; });
  return syncing;
}

self.addEventListener("message", function (event) {
  if (event.data === "sync-guides") event.waitUntil(syncGuides());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("tocns-shell-") === 0 && k !== SHELL; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (request.mode === "navigate") {
    var key = url.pathname + url.search;
    event.respondWith(
      fetch(request).then(function (response) {
        if (keepsPage(url.pathname)) event.waitUntil(keep(key, response));
        return response;
      }, function () {
        return caches.open(PAGES).then(function (cache) {
          return cache.match(key).then(function (hit) { return hit || (url.pathname === REPORT ? cache.match(REPORT) : null); });
        }).then(function (hit) {
          return hit || new Response(OFFLINE, { headers: { "Content-Type": "text/html; charset=utf-8" } });
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf(HANDBOOK) === 0 && /\.jpg$/.test(url.pathname)) {
    event.respondWith(caches.open(PAGES).then(function (cache) {
      return cache.match(url.pathname).then(function (hit) {
        return hit || fetch(request).then(function (response) { keep(url.pathname, response); return response; });
      });
    }));
    return;
  }
  if (SHELL_URLS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});
