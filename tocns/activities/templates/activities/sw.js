{% load i18n %}/* tocns service worker {{ version }}: keeps the report form and its files on the phone. */
"use strict";
var SHELL = "tocns-shell-{{ version }}";
var PAGES = "tocns-pages";
var REPORT = "{% url 'activities:report' %}";
var SHELL_URLS = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var OFFLINE = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'><title>tocns</title>" +
  "<p style='font:20px system-ui;padding:1rem'>{% translate 'Không có mạng. Trang này chưa được lưu trên điện thoại.' as msg %}{{ msg|escapejs }} " +
  "<a href='" + REPORT + "'>{% translate 'Mở trang báo cáo' as open %}{{ open|escapejs }}</a></p>";

function keep(url, response) {
  /* Only a real page: a redirect (to sign-in) or an error page must not stand in for the form. */
  if (!response.ok || response.redirected || response.type !== "basic") return;
  var copy = response.clone();
  caches.open(PAGES).then(function (cache) { cache.put(url, copy); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); }).then(function () {
      return fetch(REPORT, { credentials: "same-origin" }).then(function (r) { keep(REPORT, r); }, function () {});
    }).then(function () { return self.skipWaiting(); })
  );
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
        if (url.pathname === REPORT) keep(key, response);
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
  if (SHELL_URLS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});
