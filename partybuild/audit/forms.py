from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


class AuditSearchForm(forms.Form):
    since = forms.DateField(label=_("起始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.CharField(label=_("用户名"), required=False, max_length=150)
    event = forms.ChoiceField(label=_("事件"), required=False,
                              choices=[("", _("全部"))] + list(AuditEntry.Event.choices))
    text = forms.CharField(label=_("对象或地址"), required=False, max_length=100)
