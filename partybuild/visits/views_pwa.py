"""The installable, offline app: the web app manifest and the service worker.

Both answer without login: they hold no data, only the names of static files and of the
pages to keep offline. The worker is served from the site root (a view, not /static/), so
that its scope covers every page.
"""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

WORKBOX_MODULES = ("workbox-core", "workbox-routing", "workbox-strategies",
                   "workbox-expiration", "workbox-cacheable-response")


@login_not_required
@require_GET
@never_cache
def service_worker(request):
    """The service worker script; never cached, so a new release reaches phones at once."""
    modules = {name: static(f"vendor/workbox/{name}.prod.js") for name in WORKBOX_MODULES}
    response = render(request, "visits/sw.js", {
        "workbox_sw": json.dumps(static("vendor/workbox/workbox-sw.js")),
        "workbox_modules": json.dumps(modules),
        "shell": json.dumps([static(path) for path in (
            "css/app.css", "css/visits.css", "vendor/idb/idb.umd.js", "js/visit-store.js",
            "js/visit-form.js", "js/pwa.js", "icons/icon-192.png")]),
        "offline_pages": json.dumps([reverse("home"), reverse("visits:visit_create"),
                                     reverse("visits:hazard_create")]),
        "login_url": json.dumps(reverse("login")),
    }, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
@require_GET
def manifest(request):
    """The web app manifest: name, icons and the start page, so the site installs."""
    data = {
        "name": gettext("校外培训机构党建工作平台"),
        "short_name": gettext("党建走访"),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "lang": "zh-CN",
        "icons": [{"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": "any"} for size in (192, 512)],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False),
                        content_type="application/manifest+json; charset=utf-8")
