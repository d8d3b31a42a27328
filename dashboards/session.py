"""The signed-in session in Streamlit: sign-in form, sign-out, demo banner, the page's `Scope`.

The scope lives in `st.session_state` (server side) and is set only by a successful sign-in or
by demo mode; nothing from the URL or widgets can change it.
"""

from __future__ import annotations

import streamlit as st

from dashboards.access import ROLE_LABELS, Scope
from dashboards.auth import (
    AUTH_ENV,
    SignInThrottle,
    UsersFileError,
    authenticate,
    demo_mode,
    demo_scope,
    load_users,
    users_file,
)

_SCOPE_KEY = "peerwh_scope"
DEMO_BANNER = (
    f"Demo mode ({AUTH_ENV}=none): signed in as a state analyst without a password; "
    "you can see everything. Do not run this mode on real data."
)
SIGN_IN_FAILED = "Unknown user or wrong password."


@st.cache_resource
def _throttle() -> SignInThrottle:
    """One throttle per server process, shared by every session."""
    return SignInThrottle()


def throttled_message(retry_after_s: float) -> str:
    minutes = max(1, round(retry_after_s / 60))
    return (
        "Too many failed sign-ins for this user. "
        f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}."
    )


def sign_in_form() -> None:
    st.title("Sign in")
    st.caption("Peer Support Specialist program dashboards")
    path = users_file()
    try:
        users = load_users(path)
    except UsersFileError as exc:
        st.error(
            f"Sign-in is unavailable: {exc}. Add a user with "
            "`python -m dashboards.users add USERNAME --role state_analyst`, "
            f"or set `{AUTH_ENV}=none` for the demo."
        )
        return
    with st.form("sign_in"):
        username = st.text_input("Username", key="sign_in_username")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        throttle = _throttle()
        wait_s = throttle.retry_after_s(username)
        if wait_s > 0:
            st.error(throttled_message(wait_s))
            return
        scope = authenticate(users, username, password)
        throttle.record(username, succeeded=scope is not None)
        if scope is None:
            st.error(SIGN_IN_FAILED)
            return
        st.session_state[_SCOPE_KEY] = scope
        st.rerun()


def current_scope() -> Scope | None:
    """The session's scope (the demo scope in demo mode); None when nobody is signed in."""
    if demo_mode():
        return demo_scope()
    current = st.session_state.get(_SCOPE_KEY)
    return current if isinstance(current, Scope) else None


def scope() -> Scope:
    """The scope for a page script; stops the page when nobody is signed in."""
    current = current_scope()
    if current is None:
        st.stop()
    assert current is not None
    return current


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
            del st.session_state[_SCOPE_KEY]
            st.rerun()
