"""``diming users``: accounts, passwords, API tokens and web sessions (every change audited)."""

from __future__ import annotations

import click

from accounts import service
from accounts.roles import ROLES


@click.group()
def users() -> None:
    """Users, roles, API tokens and sign-in sessions."""


def _admin_actor(actor: str | None) -> str:
    import getpass

    return actor or f"cli:{getpass.getuser()}"


@users.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(sorted(ROLES)), help="Repeat for several roles.")
@click.option("--name", "display_name", help="Display name.")
@click.option("--password", help="Password for signing in to the web pages (see the password policy in docs/operations.md).")
@click.option("--unit", "unit_code", help="Unit code of the organisation the user works for (e.g. 530103); they sign inspections for it.")
@click.option("--actor")
@click.pass_obj
def add(obj, username, roles, display_name, password, unit_code, actor) -> None:
    """Add a user with one or more roles."""
    service.add_user(
        obj.store, username, list(roles), password=password, display_name=display_name, unit_code=unit_code, actor=_admin_actor(actor)
    )
    click.echo(f"user {username} added with roles {', '.join(roles)}")


@users.command("set-unit")
@click.argument("username")
@click.argument("code")
@click.option("--reason")
@click.option("--actor")
@click.pass_obj
def set_unit(obj, username, code, reason, actor) -> None:
    """Set the unit code of the organisation a user works for (who they sign joint inspections for)."""
    service.set_unit(obj.store, username, code, actor=_admin_actor(actor), reason=reason)
    click.echo(f"user {username} now belongs to unit {code.strip()}")


@users.command("disable")
@click.argument("username")
@click.option("--reason")
@click.option("--actor")
@click.pass_obj
def disable(obj, username, reason, actor) -> None:
    """Disable a user: their tokens and sessions are revoked at once."""
    service.disable_user(obj.store, username, actor=_admin_actor(actor), reason=reason)
    click.echo(f"user {username} disabled; their tokens and sessions are revoked")


@users.command("enable")
@click.argument("username")
@click.option("--reason")
@click.option("--actor")
@click.pass_obj
def enable(obj, username, reason, actor) -> None:
    """Enable a disabled user again (revoked tokens stay revoked: issue new ones)."""
    service.enable_user(obj.store, username, actor=_admin_actor(actor), reason=reason)
    click.echo(f"user {username} enabled")


@users.command("password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="The new password (asked for when omitted).")
@click.option("--reason")
@click.option("--actor")
@click.pass_obj
def password(obj, username, password, reason, actor) -> None:
    """Set a user's password; all their tokens and sessions are revoked."""
    revoked = service.set_password(obj.store, username, password, actor=_admin_actor(actor), reason=reason)
    click.echo(f"password of {username} changed; {revoked} token(s)/session(s) revoked")


@users.command("token")
@click.argument("username")
@click.option("--days", default=90, show_default=True, type=int, help=f"Days until the token expires (1-{service.MAX_TOKEN_DAYS}).")
@click.option("--label", help="What the token is for.")
@click.option("--actor")
@click.pass_obj
def token(obj, username, days, label, actor) -> None:
    """Issue an API token (printed once; only its hash is stored)."""
    text, expires = service.issue_token(obj.store, username, days=days, label=label, actor=_admin_actor(actor))
    click.echo(text)
    click.echo(f"expires {expires.isoformat()}", err=True)


@users.command("tokens")
@click.argument("username")
@click.pass_obj
def tokens(obj, username) -> None:
    """List a user's API tokens (id, label, expiry, state); never their text."""
    for row in service.tokens(obj.store, username):
        state = "revoked" if row.revoked else "live"
        click.echo(f"{row.id}\t{state}\texpires {row.expires_at.isoformat()}\t{row.label or ''}")


@users.command("revoke-token")
@click.argument("username")
@click.option("--token-id", type=int, help="The id shown by 'diming users tokens'.")
@click.option("--all", "all_tokens", is_flag=True, help="Revoke every token of the user.")
@click.option("--reason")
@click.option("--actor")
@click.pass_obj
def revoke_token(obj, username, token_id, all_tokens, reason, actor) -> None:
    """Revoke one API token (--token-id) or all of a user's tokens (--all)."""
    if (token_id is None) == (not all_tokens):
        raise click.UsageError("give exactly one of --token-id ID or --all / 请指定 --token-id 或 --all 之一")
    count = service.revoke_tokens(obj.store, username, token_id=token_id, actor=_admin_actor(actor), reason=reason)
    click.echo(f"{count} token(s) of {username} revoked")


@users.command("sessions")
@click.argument("username")
@click.option("--revoke-all", is_flag=True, help="Sign the user out of every browser.")
@click.option("--reason")
@click.option("--actor")
@click.pass_obj
def sessions(obj, username, revoke_all, reason, actor) -> None:
    """List a user's web sign-in sessions, or end them all with --revoke-all."""
    if revoke_all:
        count = service.revoke_sessions(obj.store, username, actor=_admin_actor(actor), reason=reason)
        click.echo(f"{count} session(s) of {username} revoked")
        return
    for row in service.sessions(obj.store, username):
        state = "revoked" if row.revoked else "live"
        click.echo(
            f"{row.id}\t{state}\tsigned in {row.created_at.isoformat()}\texpires {row.expires_at.isoformat()}\t{row.client_addr or ''}"
        )
