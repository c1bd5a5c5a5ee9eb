from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, ChannelPreference, Delivery


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ChannelPreference
        fields = ["email", "bot"]


class RegionChannelForm(forms.Form):
    """A region's bots. Secrets are write-only: never shown again; left empty, kept."""

    wecom_url = forms.URLField(label=_("企业微信机器人 Webhook"), required=False,
                               max_length=500, assume_scheme="https")
    dingtalk_url = forms.URLField(label=_("钉钉机器人 Webhook"), required=False,
                                  max_length=500, assume_scheme="https")
    dingtalk_secret = forms.CharField(label=_("钉钉加签密钥"), required=False, max_length=200,
                                      widget=forms.PasswordInput(render_value=False),
                                      help_text=_("留空则保留已保存的密钥。"))
    feishu_url = forms.URLField(label=_("飞书机器人 Webhook"), required=False,
                                max_length=500, assume_scheme="https")
    feishu_secret = forms.CharField(label=_("飞书签名密钥"), required=False, max_length=200,
                                    widget=forms.PasswordInput(render_value=False),
                                    help_text=_("留空则保留已保存的密钥。"))


STATUS_CHOICES = [("", _("全部")), ("ok", _("成功")), ("error", _("出错")),
                  *Delivery.Status.choices]


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    channel = forms.ChoiceField(label=_("渠道"), choices=[("", _("全部")), *Channel.choices],
                                required=False)
    day = forms.DateField(label=_("日期"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
