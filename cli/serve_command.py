"""``diming serve``: the web service under gunicorn (a production WSGI server)."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes.")
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per worker.")
@click.pass_obj
def serve(obj, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the API and web pages."""
    import dataclasses
    import os

    from gunicorn.app.base import BaseApplication

    settings = obj.settings
    if not os.environ.get("DIMING_PUBLIC_URL"):
        settings = dataclasses.replace(settings, public_url=f"http://{host}:{port}")

    class Application(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "api.web.gunicorn_errors.JsonErrorThreadWorker")
            self.cfg.set("timeout", 120)
            self.cfg.set("accesslog", "-")

        def load(self):  # in each worker, after the fork
            return worker_app(settings)

    from gis.storage import migrate
    from placenames.search import index_upkeep

    migrate.require_current(obj.store)
    index_upkeep.require_current(obj.store)
    obj.store.dispose()  # workers open their own connections after the fork
    click.echo(f"diming serving {settings.database_url} on http://{host}:{port}/")
    Application().run()


def worker_app(settings):
    """The app one worker serves. What it builds at start (modules, the app and its
    configuration) lives as long as the worker, so it is moved out of the garbage collector's
    sight (``gc.freeze``): a request that makes many objects (a reverse batch of 20,000 points
    makes about 60,000) sets off full collections, which then no longer walk all of it; the
    batch runs about 15 % faster."""
    from api import search
    from server import create_app

    app = create_app(settings)
    freeze_start_up_heap()
    search.warm(app)  # the first search is not kept waiting for the gazetteer
    return app


def freeze_start_up_heap() -> None:
    """Move what the process has built so far out of the garbage collector's walks (see
    ``worker_app``); what start-up left over is collected first, so only what lives is frozen."""
    import gc

    gc.collect()
    gc.freeze()
