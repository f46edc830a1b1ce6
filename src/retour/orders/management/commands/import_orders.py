"""`retour import-orders FILE`: load orders from a CSV or JSON Lines file (docs/importing.md)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retour.core.exceptions import ApplicationError
from retour.orders.services import orders_import_file

FORMATS = ("jsonl", "csv")


class Command(BaseCommand):
    help = (
        "Import orders from a CSV or JSON Lines file (.gz allowed, - for standard input). "
        "Prints each refused order and a summary; exits with 1 when any order was refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to a .jsonl, .ndjson, .csv file (or .gz), or -")
        parser.add_argument(
            "--format", choices=FORMATS, help="file format when the extension does not say"
        )
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="orders written per transaction"
        )

    def handle(self, *args, file: str, format: str | None, batch_size: int, **options) -> None:
        def report(rejection) -> None:
            field = f" {rejection.field}:" if rejection.field else ""
            self.stderr.write(
                f"{file}:{rejection.line}:{field} {rejection.message} [{rejection.code}]"
            )

        try:
            summary = orders_import_file(
                path=file, format=format, batch_size=batch_size, on_rejection=report
            )
        except ApplicationError as error:
            raise CommandError(f"{error.message} ({file})", returncode=2) from error
        self.stdout.write(
            _(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(rejected)s rejected (%(lines)s order lines in the accepted orders)."
            )
            % {
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "rejected": summary.rejected,
                "lines": summary.lines,
            }
        )
        if summary.rejected:
            raise CommandError(
                ngettext(
                    "%(count)s order was rejected; see the lines above.",
                    "%(count)s orders were rejected; see the lines above.",
                    summary.rejected,
                )
                % {"count": summary.rejected},
                returncode=1,
            )
