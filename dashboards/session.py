"""The signed-in session in Streamlit: sign-in form, sign-out, demo banner, the page's `Scope`.

The signed-in user lives in `st.session_state` (server side) and is set only by a successful
sign-in or by demo mode; nothing from the URL or widgets can change it. It is checked against the
users file on every rerun, of the app or of a fragment (`fragment`): a user removed from the file,
or whose role, county or password changed, is signed out at their next interaction.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

from peerwh.dashboards.access import ROLE_LABELS, Scope
from peerwh.dashboards.auth import (
    AUTH_ENV,
    SignInThrottle,
    User,
    authenticate,
    client_address,
    current_users,
    demo_mode,
    demo_scope,
)

P = ParamSpec("P")

_LOG = logging.getLogger(__name__)
_USER_KEY = "peerwh_user"
_NOTICE_KEY = "peerwh_sign_in_notice"
DEMO_BANNER = (
    f"Demo mode ({AUTH_ENV}=none): signed in as a state analyst without a password; "
    "you can see everything. Do not run this mode on real data."
)
SIGN_IN_FAILED = "Unknown user or wrong password."
# What is wrong is in the server's log; users are not told who exists or where the file is.
SIGN_IN_UNAVAILABLE = "Sign-in is unavailable. Please tell the dashboard's administrator."
SESSION_ENDED = "Your account was changed or removed since you signed in. Please sign in again."


@st.cache_resource
def _throttle() -> SignInThrottle:
    """One throttle per server process, shared by every session."""
    return SignInThrottle()


def throttled_message(retry_after_s: float) -> str:
    minutes = max(1, round(retry_after_s / 60))
    return (
        "Too many failed sign-ins. "
        f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}."
    )


def _client() -> str:
    return client_address(st.context.ip_address, st.context.headers.get_all("X-Forwarded-For"))


def sign_in_form() -> None:
    st.title("Sign in")
    st.caption("Peer Support Specialist program dashboards")
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.info(notice, icon=":material/logout:")
    users = current_users().users
    if not users:
        st.error(SIGN_IN_UNAVAILABLE)
        return
    with st.form("sign_in"):
        username = st.text_input("Username", key="sign_in_username")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        client, throttle = _client(), _throttle()
        wait_s = throttle.retry_after_s(client, username)
        if wait_s > 0:
            st.error(throttled_message(wait_s))
            return
        user = authenticate(users, username, password)
        throttle.record(client, username, succeeded=user is not None)
        if user is None:
            _LOG.warning("failed sign-in as %r from %s", username, client)
            st.error(SIGN_IN_FAILED)
            return
        st.session_state[_USER_KEY] = user
        st.rerun()


def current_scope() -> Scope | None:
    """The session's scope (the demo scope in demo mode); None when nobody is signed in.

    Signs the session out when its user is no longer in the users file as it was at sign-in.
    """
    if demo_mode():
        return demo_scope()
    user = st.session_state.get(_USER_KEY)
    if not isinstance(user, User):
        return None
    if current_users().users.get(user.username) != user:
        del st.session_state[_USER_KEY]
        st.session_state[_NOTICE_KEY] = SESSION_ENDED
        return None
    return user.scope()


def scope() -> Scope:
    """The scope for a page script; stops the page when nobody is signed in."""
    current = current_scope()
    if current is None:
        st.stop()
    assert current is not None
    return current


def fragment(body: Callable[P, None]) -> Callable[P, None]:
    """`st.fragment` for the pages: a fragment's rerun skips `app.py`, so it checks the session's
    user itself, and reruns the whole app (to its sign-in form) when they are signed out."""

    @functools.wraps(body)
    def checked(*args: P.args, **kwargs: P.kwargs) -> None:
        if current_scope() is None:
            st.rerun(scope="app")
        body(*args, **kwargs)

    return st.fragment(checked)


def show_identity(current: Scope) -> None:
    """Demo banner on every page; who is signed in and a sign-out button in the sidebar."""
    if demo_mode():
        st.warning(DEMO_BANNER, icon=":material/warning:")
    who = ROLE_LABELS[current.role]
    if current.county_fips:
        who += f" · county {current.county_fips}"
    with st.sidebar:
        st.caption(f"Signed in as **{current.username}** ({who})")
        if not demo_mode() and st.button("Sign out", key="sign_out"):
            del st.session_state[_USER_KEY]
            st.rerun()
