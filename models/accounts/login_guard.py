"""Whose password may be checked now: logIn and signUp throttling (issue 11).

In the manner of Keycloak's brute-force detection and django-axes, failed logIns are counted
under three keys (`models/throttle.py`), each with its own ceiling and exponential back-off:

- the (account, client address) pair: someone guessing one account from one place;
- the account, from all addresses: guessing from many places. It only *slows* the account:
  from an address where the user has signed in before (a `KnownAddress`) it does not apply, so
  the owner with the right password is never locked out by strangers guessing elsewhere;
- the address, over all accounts: credential stuffing. Known addresses skip it too, so one
  shared address (a proxy, a campus) does not lock out everyone behind it.

Every attempt is counted *before* its password is checked, atomically in the database, so N
concurrent guesses get at most as many checks as the ceilings allow, in any number of server
processes; an attempt that had the right password is given back. An unknown email is counted
and refused exactly like a known one, so the answers reveal no accounts.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError

from mentorgraph.models import clock, throttle
from mentorgraph.models.accounts.auth import KnownAddress
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.throttle import Rule

__all__ = [
    "THROTTLE_LISTENERS",
    "LoginReservation",
    "login_failed",
    "login_succeeded",
    "reserve_data_export",
    "reserve_login",
    "reserve_password_check",
    "reserve_password_reset",
    "reserve_reset_attempt",
    "reserve_sign_up",
    "reserve_verification_email",
]

# Called with the code of every refused attempt (the server counts them: `mentorgraph.metrics`).
THROTTLE_LISTENERS: list[Callable[[str], None]] = []

# Longer is not an address (IPv6 text is at most 45 characters); cut, not refused.
_ADDRESS_LENGTH = 64


def _rule(free: int) -> Rule:
    lim = limits()
    return Rule(
        free=free,
        base_seconds=lim.login_backoff_base_seconds,
        max_seconds=lim.login_backoff_max_seconds,
        forget_seconds=lim.login_forget_seconds,
    )


def _throttled(code: ErrorCode, seconds: float, longest: float, field_name: str) -> RuleViolation:
    # Within [1, longest]: another process's clock may run a little ahead of this one's.
    wait = max(1, math.ceil(min(seconds, longest)))
    for listener in THROTTLE_LISTENERS:
        listener(code.value)
    return RuleViolation(
        code,
        f"Too many attempts. Try again in {wait} seconds.",
        [field_name],
        retry_after_seconds=wait,
    )


@dataclass
class LoginReservation:
    """The counted attempt: its keys, to give back if the password was right."""

    address: str
    pair_key: str
    wider_keys: list[str] = field(default_factory=list)


async def reserve_login(email: str, client_address: str, user: User | None) -> LoginReservation:
    """Count one logIn attempt for `email` (normalised) from `client_address`; raises
    LOGIN_THROTTLED (nothing counted, no password to check) while any applicable key waits."""
    address = client_address[:_ADDRESS_LENGTH]
    lim = limits()
    known = user is not None and await KnownAddress.exists(user_id=user.id, address=address)
    counted = [(throttle.key("login-pair", email, address), _rule(lim.login_pair_failures))]
    if not known:
        counted.append((throttle.key("login-account", email), _rule(lim.login_account_failures)))
        counted.append((throttle.key("login-address", address), _rule(lim.login_address_failures)))
    keys = [key for key, _ in counted]

    now = clock.now()
    # Already closed: refuse without counting anything.
    longest = lim.login_backoff_max_seconds
    wait = await throttle.retry_after(keys, now)
    if wait > 0:
        raise _throttled(ErrorCode.LOGIN_THROTTLED, wait, longest, "password")
    reserved: list[str] = []
    for key, rule in counted:
        if not await throttle.count(key, rule, now):
            # Closed by a concurrent attempt since the check above: give back what this one
            # counted, and refuse.
            await throttle.refund(reserved)
            wait = await throttle.retry_after(keys, clock.now())
            raise _throttled(ErrorCode.LOGIN_THROTTLED, wait, longest, "password")
        reserved.append(key)
    return LoginReservation(address=address, pair_key=keys[0], wider_keys=keys[1:])


def login_failed() -> RuleViolation:
    """The refusal of a wrong password (or unknown email); its attempt stays counted."""
    return RuleViolation(
        ErrorCode.INVALID_CREDENTIALS, "Email or password is incorrect.", ["password"]
    )


async def login_succeeded(reservation: LoginReservation, user: User) -> None:
    """The right password: the pair starts over, the wider counters get the attempt back, and
    the address becomes known for this user."""
    await throttle.clear(reservation.pair_key)
    await throttle.refund(reservation.wider_keys)
    now = clock.now()
    seen = KnownAddress.filter(user_id=user.id, address=reservation.address)
    if not await seen.update(last_signed_in_at=now):
        # A concurrent sign-in from the same address may record it first.
        with contextlib.suppress(IntegrityError):
            await KnownAddress.create(
                user_id=user.id, address=reservation.address, last_signed_in_at=now
            )


async def reserve_sign_up(client_address: str) -> None:
    """Count one sign-up from `client_address`; raises SIGN_UP_THROTTLED past the ceiling."""
    lim = limits()
    rule = Rule(
        free=lim.signup_max_per_address,
        base_seconds=lim.signup_window_seconds,
        max_seconds=lim.signup_window_seconds,
        forget_seconds=lim.signup_window_seconds,
    )
    key = throttle.key("sign-up", client_address[:_ADDRESS_LENGTH])
    now = clock.now()
    if not await throttle.count(key, rule, now):
        wait = await throttle.retry_after([key], clock.now())
        raise _throttled(ErrorCode.SIGN_UP_THROTTLED, wait, rule.max_seconds, "email")


async def reserve_password_check(user: User) -> str:
    """Count one check of the user's current password (changePassword) before it is made;
    raises PASSWORD_THROTTLED while wrong ones wait. Returns the key, to `clear` when right.

    Keyed by the account alone: only its signed-in owner can ask, so a stolen access token
    cannot be used to guess the password (and then take the account) faster than logIn."""
    lim = limits()
    key = throttle.key("password-check", str(user.id))
    rule = _rule(lim.login_pair_failures)
    now = clock.now()
    wait = await throttle.retry_after([key], now)
    if wait > 0 or not await throttle.count(key, rule, now):
        wait = await throttle.retry_after([key], clock.now())
        raise _throttled(
            ErrorCode.PASSWORD_THROTTLED, wait, lim.login_backoff_max_seconds, "currentPassword"
        )
    return key


def _reset_rule(free: int) -> Rule:
    window = limits().password_reset_window_seconds
    return Rule(free=free, base_seconds=window, max_seconds=window, forget_seconds=window)


async def reserve_password_reset(email: str, client_address: str) -> None:
    """Count one requestPasswordReset for `email` (normalised, whether or not it has an
    account) from `client_address`; raises PASSWORD_RESET_THROTTLED past either ceiling. The
    per-email ceiling bounds the mail one stranger can make us send to one inbox."""
    lim = limits()
    counted = [
        (throttle.key("reset-email", email), _reset_rule(lim.password_reset_max_per_email)),
        (
            throttle.key("reset-address", client_address[:_ADDRESS_LENGTH]),
            _reset_rule(lim.password_reset_max_per_address),
        ),
    ]
    await _count_all(counted, ErrorCode.PASSWORD_RESET_THROTTLED, "email")


async def reserve_reset_attempt(client_address: str) -> str:
    """Count one resetPassword from `client_address` before its token is looked up; raises
    PASSWORD_THROTTLED past the ceiling. Returns the key, to give back when the token was good."""
    key = throttle.key("reset-use", client_address[:_ADDRESS_LENGTH])
    await _count_all(
        [(key, _reset_rule(limits().password_reset_max_per_address))],
        ErrorCode.PASSWORD_THROTTLED,
        "token",
    )
    return key


async def reserve_verification_email(user_id: int) -> None:
    """Count one verification email for the account (sign-up, email change, resend); raises
    VERIFICATION_THROTTLED past `verification_emails_per_window` within the reset window:
    bounds the mail one account can make us send to an address it typed."""
    lim = limits()
    rule = _reset_rule(lim.verification_emails_per_window)
    await _count_all(
        [(throttle.key("verify-email", str(user_id)), rule)],
        ErrorCode.VERIFICATION_THROTTLED,
        "email",
    )


async def reserve_data_export(user_id: int) -> None:
    """Count one data export of the account; EXPORT_THROTTLED past `data_exports_per_hour`
    (an export reads everything about a member: cheap once, not in a loop)."""
    hour = 60 * 60
    rule = Rule(
        free=limits().data_exports_per_hour,
        base_seconds=hour,
        max_seconds=hour,
        forget_seconds=hour,
    )
    await _count_all(
        [(throttle.key("data-export", str(user_id)), rule)], ErrorCode.EXPORT_THROTTLED, "viewer"
    )


async def _count_all(counted: list[tuple[str, Rule]], code: ErrorCode, field_name: str) -> None:
    keys = [key for key, _ in counted]
    longest = max(rule.max_seconds for _, rule in counted)
    now = clock.now()
    wait = await throttle.retry_after(keys, now)
    if wait > 0:
        raise _throttled(code, wait, longest, field_name)
    reserved: list[str] = []
    for key, rule in counted:
        if not await throttle.count(key, rule, now):
            await throttle.refund(reserved)
            raise _throttled(
                code, await throttle.retry_after(keys, clock.now()), longest, field_name
            )
        reserved.append(key)
