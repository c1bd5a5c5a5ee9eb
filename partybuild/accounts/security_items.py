"""What `manage.py security_check` verifies: each item of issue 18 (等保 2.0 level 3, PIPL and
the loopback attack findings), with the clause of GB/T 22239-2019 it answers to.

Every item reads the running configuration only (settings, installed apps, middleware, the
check framework), so the command tells the truth about the server it runs on. Items of the
audit trail, the three administrators and PII masking are looked for defensively: they pass
once those parts are installed.
"""

import importlib.util
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core import checks

from .models import User


@dataclass
class Result:
    key: str
    clause: str
    title: str
    ok: bool
    detail: str


def _middleware(name: str) -> bool:
    return name in settings.MIDDLEWARE


def _validator_option(suffix: str, option: str, default=None):
    for validator in settings.AUTH_PASSWORD_VALIDATORS:
        if validator["NAME"].endswith(suffix):
            return validator.get("OPTIONS", {}).get(option, default)
    return None


def lockout():
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 0)
    minutes = settings.AXES_COOLOFF_TIME.total_seconds() / 60 if getattr(
        settings, "AXES_COOLOFF_TIME", None) else 0
    ok = (getattr(settings, "AXES_ENABLED", True) and 0 < limit <= 10 and minutes > 0
          and getattr(settings, "AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT", True) is False
          and settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
          and settings.AXES_HANDLER.endswith("LoginThrottleHandler"))
    return ok, (f"{limit} 次失败锁定 {minutes:.0f} 分钟；按用户名+地址计数；"
                "锁定期间的尝试不延长锁定")


def password_complexity():
    length = _validator_option("MinimumLengthValidator", "min_length", 8) or 0
    classes = _validator_option("CharacterClassesValidator", "min_classes", 3) or 0
    return length >= 10 and classes >= 3, f"至少 {length} 位，至少 {classes} 类字符"


def password_expiry():
    days = settings.PARTYBUILD_PASSWORD_MAX_AGE_DAYS
    return 0 < days <= 90, f"{days} 天后强制修改" if days else "不过期"


def password_history():
    history = _validator_option("PasswordHistoryValidator", "history", 5) or 0
    return history >= 5, f"不得重复最近 {history} 次密码"


def forced_change():
    ok = _middleware("partybuild.accounts.middleware.PasswordPolicyMiddleware")
    return ok, "管理员设置的密码首次登录须修改" if ok else "未启用"


def second_factor():
    ok = (apps.is_installed("django_otp") and _middleware("django_otp.middleware.OTPMiddleware")
          and _middleware("partybuild.accounts.middleware.SecondFactorMiddleware")
          and (settings.PARTYBUILD_OTP_REQUIRED_FOR_ADMINS
               or settings.PARTYBUILD_OTP_REQUIRED_FOR_ALL))
    scope = "全部用户" if settings.PARTYBUILD_OTP_REQUIRED_FOR_ALL else "管理员"
    return ok, f"TOTP + 恢复码，要求：{scope}" if ok else "未对管理员要求第二因素"


def idle_timeout():
    admin = settings.PARTYBUILD_ADMIN_IDLE_TIMEOUT_MINUTES
    everyone = settings.PARTYBUILD_IDLE_TIMEOUT_MINUTES
    ok = 0 < admin <= 30 and _middleware(
        "partybuild.accounts.middleware.SessionActivityMiddleware")
    return ok, f"管理员 {admin} 分钟，其他用户 {everyone} 分钟无操作退出"


def default_accounts():
    found = [message for message in checks.run_checks(include_deployment_checks=True,
                                                      tags=[checks.Tags.security])
             if message.id == "partybuild.E001"]
    if settings.DEBUG:
        return True, "开发设置（DEBUG）下不检查演示账户"
    return not found, found[0].msg if found else "无演示账户"


def transport():
    ok = (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
          and (settings.SECURE_SSL_REDIRECT or settings.SECURE_PROXY_SSL_HEADER)
          and settings.SECURE_HSTS_SECONDS > 0)
    return bool(ok), "HTTPS、HSTS、安全 Cookie" if ok else "未强制 HTTPS / HSTS / 安全 Cookie"


def production_mode():
    ok = not settings.DEBUG and not settings.SECRET_KEY.startswith("development-only")
    return ok, "DEBUG 关闭，密钥已设置" if ok else "DEBUG 开启或使用开发密钥"


def content_security_policy():
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", {}).get("DIRECTIVES", {})
    scripts = directives.get("script-src", directives.get("default-src", []))
    ok = (_middleware("csp.middleware.CSPMiddleware") and bool(scripts)
          and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts)
    return ok, f"script-src {' '.join(scripts)}" if scripts else "未设置"


def no_store():
    ok = _middleware("partybuild.accounts.middleware.NoStoreMiddleware")
    return ok, "登录后的页面与下载均为 Cache-Control: no-store" if ok else "未启用"


def sqlite_writers():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return True, f"{database['ENGINE'].rsplit('.', 1)[-1]}（非 SQLite）"
    options = database.get("OPTIONS", {})
    ok = (str(options.get("transaction_mode", "")).upper() == "IMMEDIATE"
          and options.get("timeout", 5) >= 10)
    mode, timeout = options.get("transaction_mode"), options.get("timeout")
    return ok, f"transaction_mode={mode}, timeout={timeout}"


def storage_failures():
    ok = _middleware("partybuild.core.middleware.StorageFailureMiddleware")
    return ok, "存储故障给出中文提示，不做修改" if ok else "未启用"


def audit_trail():
    ok = apps.is_installed("partybuild.audit")
    return ok, "审计记录已启用（partybuild.audit）" if ok else "未安装审计模块"


def three_administrators():
    admin_roles = [role for role in User.Role.values if role in settings.PARTYBUILD_ADMIN_ROLES]
    ok = len(admin_roles) >= 3
    return ok, f"管理员角色：{', '.join(admin_roles)}"


def personal_information():
    modules = ("partybuild.core.masking", "partybuild.accounts.masking",
               "partybuild.audit.masking", "partybuild.core.templatetags.masking")
    found = [name for name in modules if _module_exists(name)]
    return bool(found), f"脱敏：{found[0]}" if found else "未发现个人信息脱敏模块"


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


ITEMS = (
    ("lockout", "8.1.4.1 b) 登录失败处理", "登录失败锁定", lockout),
    ("password_complexity", "8.1.4.1 a) 身份鉴别信息复杂度", "口令复杂度", password_complexity),
    ("password_expiry", "8.1.4.1 a) 定期更换", "口令有效期", password_expiry),
    ("password_history", "8.1.4.1 a) 定期更换", "口令不重用", password_history),
    ("forced_change", "8.1.4.1 a) 身份鉴别", "首次登录修改口令", forced_change),
    ("second_factor", "8.1.4.1 d) 双因素鉴别", "第二因素（TOTP）", second_factor),
    ("idle_timeout", "8.1.4.1 b) 登录连接超时自动退出", "空闲超时", idle_timeout),
    ("default_accounts", "8.1.4.2 c) 删除默认账户", "无默认账户", default_accounts),
    ("transport", "8.1.4.1 c) 鉴别信息传输保密", "传输加密", transport),
    ("production_mode", "8.1.4.4 a) 最小安装原则", "生产模式", production_mode),
    ("content_security_policy", "8.1.4.4 入侵防范", "内容安全策略（CSP）",
     content_security_policy),
    ("no_store", "8.1.4.10 剩余信息保护", "禁止缓存个人信息", no_store),
    ("sqlite_writers", "8.1.4.7 数据完整性", "并发写入不丢失", sqlite_writers),
    ("storage_failures", "8.1.4.7 数据完整性", "存储故障处理", storage_failures),
    ("audit_trail", "8.1.4.3 安全审计", "安全审计", audit_trail),
    ("three_administrators", "8.1.4.2 d) / 8.1.5.2–8.1.5.4 三员分立", "三员分立",
     three_administrators),
    ("personal_information", "8.1.4.11 个人信息保护（PIPL）", "个人信息脱敏",
     personal_information),
)


def run_items() -> list[Result]:
    results = []
    for key, clause, title, item in ITEMS:
        try:
            ok, detail = item()
        except Exception as error:  # one broken item must not hide the others
            ok, detail = False, f"检查出错：{error}"
        results.append(Result(key, clause, title, bool(ok), detail))
    return results
