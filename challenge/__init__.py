"""Challenge Exchange: a challenge-prize platform for public services, run by an innovation broker."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from challenge.platform.application import App
from challenge.config import Config, TestConfig, check_open_data, check_procurement, check_production

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = App(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    check_production(app.config)  # no invoices to a placeholder bank account
    check_procurement(app.config)  # PROCUREMENT_THRESHOLDS from the environment, checked before any page uses it
    check_open_data(app.config)  # THREESIXTYGIVING_PREFIX, likewise
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_parts(app)
    from challenge.platform.ratelimits import check_only_where_limited

    check_only_where_limited(app)  # after the blueprints: the limiter's check only on the API's requests
    return app


def _init_extensions(app: Flask) -> None:
    from challenge import models  # noqa: F401  (every model, for migrations and relationships)
    from challenge.accounts.services import load_user
    from challenge.extensions import bootstrap, csrf, db, limiter, login_manager
    from challenge.platform import postgresql

    postgresql.before_engine(app)  # PostgreSQL: BEGIN at checkout instead of a ping (platform/postgresql.py)
    db.init_app(app)
    with app.app_context():
        postgresql.after_engine(app, db.engine)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"


def _register_parts(app: Flask) -> None:
    """Rules, blueprints, error pages, template helpers, headers, input hygiene, commands, diagnostics, cache,
    the navigation bar, the worker's heap."""
    from challenge.blueprints import register_blueprints
    from challenge.cli import register_cli
    from challenge.diagnostics import register_diagnostics
    from challenge.errors import register_error_handlers
    from challenge.filters import register_filters
    from challenge.headers import register_headers
    from challenge.platform.heap import register_heap
    from challenge.platform.menu import register_menu
    from challenge.platform.hygiene import register_converters, register_hygiene
    from challenge.permissions import load_rules
    from challenge.platform.pagecache import register_page_cache

    register_converters(app)
    load_rules(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_filters(app)
    register_headers(app)
    register_hygiene(app)
    register_cli(app)
    register_diagnostics(app)
    register_page_cache(app)
    register_menu(app)
    register_heap(app)


__all__ = ["create_app", "Config", "TestConfig"]
