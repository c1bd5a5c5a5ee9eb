from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/<int:pk>/", views.channel_edit, name="channel_edit"),
    path("deliveries/", views.delivery_log, name="delivery_log"),
]
