"""The notification centre, channel preferences, region bots and the delivery log: thin views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partybuild.accounts.models import User

from . import selectors, services
from .forms import DeliveryFilterForm, PreferenceForm, RegionChannelForm

PAGE_SIZE = 50


def _require_administrator(user) -> None:
    if not (user.is_active and user.role == User.Role.ADMIN):
        raise PermissionDenied


def notification_list(request):
    page = Paginator(selectors.notification_list(user=request.user), 20).get_page(
        request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def mark_read(request):
    try:
        pk = int(request.POST.get("id", ""))
    except ValueError:
        return redirect("notifications:list")
    notification = selectors.notification_for_user(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return _back(request)


@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(count)d 条消息标为已读。") % {"count": count})
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = selectors.preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_update(user=request.user, email=form.cleaned_data["email"],
                                       bot=form.cleaned_data["bot"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("提醒渠道已保存。"))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def channel_list(request):
    _require_administrator(request.user)
    rows = selectors.region_channel_list(user=request.user)
    return render(request, "notifications/channel_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def channel_edit(request, pk: int):
    _require_administrator(request.user)
    region, config = selectors.region_for_channels(user=request.user, pk=pk)
    initial = {"wecom_url": config.wecom_url, "dingtalk_url": config.dingtalk_url,
               "feishu_url": config.feishu_url}
    form = RegionChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.region_channel_save(acting_user=request.user, region=region,
                                         **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(region)s 的工作群机器人已保存。") % {"region": region})
            return redirect("notifications:channel_list")
    return render(request, "notifications/channel_edit.html",
                  {"form": form, "region": region, "config": config})


def delivery_log(request):
    _require_administrator(request.user)
    form = DeliveryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    attempts = selectors.delivery_log(user=request.user, status=filters.get("status", ""),
                                      channel=filters.get("channel", ""),
                                      day=filters.get("day"))
    page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/delivery_log.html", {"form": form, "page": page})
