"""``diming users``: accounts and API tokens."""

from __future__ import annotations

import click

from accounts import service
from accounts.roles import ROLES


@click.group()
def users() -> None:
    """Users, roles and API tokens."""


def _admin_actor(actor: str | None) -> str:
    import getpass

    return actor or f"cli:{getpass.getuser()}"


@users.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(sorted(ROLES)), help="Repeat for several roles.")
@click.option("--name", "display_name", help="Display name.")
@click.option("--password", help="Password for signing in to the web pages.")
@click.option("--actor")
@click.pass_obj
def add(obj, username, roles, display_name, password, actor) -> None:
    """Add a user with one or more roles."""
    service.add_user(obj.store, username, list(roles), password=password, display_name=display_name, actor=_admin_actor(actor))
    click.echo(f"user {username} added with roles {', '.join(roles)}")


@users.command("disable")
@click.argument("username")
@click.option("--reason")
@click.option("--actor")
@click.pass_obj
def disable(obj, username, reason, actor) -> None:
    """Disable a user: their tokens and password stop working at once."""
    service.disable_user(obj.store, username, actor=_admin_actor(actor), reason=reason)
    click.echo(f"user {username} disabled")


@users.command("token")
@click.argument("username")
@click.option("--days", default=90, show_default=True, type=int, help="Days until the token expires.")
@click.option("--label", help="What the token is for.")
@click.option("--actor")
@click.pass_obj
def token(obj, username, days, label, actor) -> None:
    """Issue an API token (printed once; only its hash is stored)."""
    text, expires = service.issue_token(obj.store, username, days=days, label=label, actor=_admin_actor(actor))
    click.echo(text)
    click.echo(f"expires {expires.isoformat()}", err=True)
