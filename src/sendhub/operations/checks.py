"""`sendhub check` reports a retention setting that is not a whole number of days before anything runs on it."""

from __future__ import annotations

from django.core.checks import Error, register

from sendhub.operations.retention import RULES, RetentionConfigError, configured_days


@register()
def retention_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    for rule in RULES:
        try:
            configured_days(rule.key)
        except RetentionConfigError as error:
            errors.append(
                Error(
                    str(error),
                    hint="Set it to a number of days, or 0 to switch the rule off.",
                    id="sendhub.operations.E001",
                )
            )
    return errors
