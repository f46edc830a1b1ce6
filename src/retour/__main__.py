"""The `retour` console command: Django's manage.py under the product's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        arguments = sys.argv[1:]
        if arguments and not arguments[0].startswith("-"):
            # Django names commands after modules (import_orders); people type import-orders.
            arguments[0] = arguments[0].replace("-", "_")
        execute_from_command_line(["retour", *arguments])
    except ImproperlyConfigured as error:
        # A configuration mistake is the operator's to fix: say what, without a traceback.
        sys.stderr.write(f"retour: configuration error: {error}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
