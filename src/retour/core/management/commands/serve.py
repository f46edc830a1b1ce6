"""`retour serve`: the ASGI web server (uvicorn) for pages, the API and WebSockets."""

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Retour over HTTP and WebSockets with uvicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="Worker processes (production).")

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        import uvicorn

        uvicorn.run(
            "retour.config.asgi:application",
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            log_level="info",
            lifespan="off",
        )
