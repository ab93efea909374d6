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

/* The guides a member's phone keeps for reading in a village without signal: the guides of the services
   their team works on (a few dozen at most, however large the handbook) and the articles they saved. The
   server's list (GUIDES) gives each one's version; a guide is fetched again when its version changed, and
   otherwise only when missing from the phone (a fetch cut off when the signal dropped, a copy the phone
   cleared). The guides come two at a time, never all at once, and the first fetch the network does not
   answer stops the rest. The list is written once no fetch failed for want of a network; it also names
   the guides on the phone when a page is not (offlinePage). The pages ask only once the member lingered
   (base.html); "sync-guides" is then not repeated for ten minutes after a sync that reached the server,
   "sync-guides-now" (after a save) runs at once. One sync runs at a time. */
var AT_ONCE = 2;
var guidesCheckedAt = 0, syncing = null;
function fetchAll(cache, jobs) {
  var next = 0, reached = true;
  function one() {
    if (next >= jobs.length) return Promise.resolve();
    var job = jobs[next++];
    return (job.changed ? Promise.resolve(null) : cache.match(job.url)).then(function (hit) {
      if (hit) return true;
      /* Kept, or answered without a page (false): the server was reached. Unreached: null. */
      return fetch(job.url, { credentials: "same-origin" }).then(function (r) { return keep(job.url, r); }, function () { return null; });
    }).then(function (result) {
      if (result === null) { reached = false; next = jobs.length; }
      return one();
    });
  }
  var runners = [];
  for (var i = 0; i < AT_ONCE; i++) runners.push(one());
  return Promise.all(runners).then(function () { return reached; });
}
function syncGuides(now) {
  if (syncing) return now ? syncing.then(function () { return syncGuides(true); }) : syncing;
  if (!now && Date.now() - guidesCheckedAt < 600000) return Promise.resolve();
  guidesCheckedAt = Date.now();
  syncing = fetch(GUIDES, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (list) {
    if (!list || !list.version || !list.guides) return;
    return caches.open(PAGES).then(function (cache) {
      return cache.match(GUIDES).then(function (old) { return old ? old.json() : null; }).then(function (stored) {
        var held = {};
        ((stored && stored.guides) || []).forEach(function (g) { held[g.url] = g.version; });
        var jobs = [];
        list.guides.forEach(function (g) {
          var changed = held[g.url] !== g.version;
          [g.url].concat(g.images || []).forEach(function (url) { jobs.push({ url: url, changed: changed }); });
        });
        return fetchAll(cache, jobs);
      }).then(function (reached) {
        if (!reached) { guidesCheckedAt = 0; return; }
        return cache.put(GUIDES, new Response(JSON.stringify(list), { headers: { "Content-Type": "application/json" } }));
      });
    });
  }, function () { guidesCheckedAt = 0; }).catch(function () {}).then(function () { syncing = null; });
  return syncing;
}

self.addEventListener("message", function (event) {
  if (event.data === "sync-guides" || event.data === "sync-guides-now") event.waitUntil(syncGuides(event.data === "sync-guides-now"));
});

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
}
/* No network and no copy of the page: say so, and list the guides that are on the phone. */
function offlinePage(cache) {
  return cache.match(GUIDES).then(function (r) { return r ? r.json() : null; }).catch(function () { return null; }).then(function (list) {
    var guides = (list && list.guides) || [];
    var html = OFFLINE;
    if (guides.length) {
      html += "<p style='font:18px system-ui;padding:0 1rem'>{% translate 'Các bài cẩm nang đọc được khi không có mạng:' as kept %}{{ kept|escapejs }}</p>" +
        "<ul style='font:18px/1.6 system-ui'>" + guides.map(function (g) {
          return "<li><a href='" + escapeHtml(g.url) + "'>" + escapeHtml(g.title) + "</a></li>";
        }).join("") + "</ul>";
    }
    return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

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
          return cache.match(key).then(function (hit) { return hit || (url.pathname === REPORT ? cache.match(REPORT) : null); })
            .then(function (hit) { return hit || offlinePage(cache); });
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
