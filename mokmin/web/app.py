"""The FastAPI application factory: one call builds the whole web platform for a given configuration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from mokmin.core import sealed
from mokmin.core.db import make_engine, make_sessionmaker
from mokmin.core.settings import Settings, get_settings
from mokmin.gateway import api as gateway_api
from mokmin.gateway.asgi import DirectRoute
from mokmin.gateway.service import Gateway
from mokmin.web.errors import install_error_handlers
from mokmin.web.middleware import BodySizeLimit, RequestMetrics
from mokmin.web.routes import (
    account,
    admin,
    admin_gateway,
    admin_institutions,
    audit,
    auth,
    chat,
    drafts,
    drafts_check,
    drafts_preview,
    drafts_sources,
    health,
    home,
    knowledge,
    knowledge_api,
    oidc,
    privacy,
)
from mokmin.web.writers import section_writer_factory


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # Close provider clients (HTTP connection pools) when the server stops.
    await app.state.gateway.aclose()


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> FastAPI:
    """Build the app; the model and other heavy parts load lazily on first use, keeping start-up fast.

    ``session_factory`` lets tests run every request inside one rolled-back transaction.
    """
    settings = settings or get_settings()
    sealed.configure(settings.secret_key)
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="mokmin",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = session_factory or make_sessionmaker(engine)
    app.state.metrics_registry = CollectorRegistry()
    app.state.available_pages = {"/", "/admin/users", "/drafts", "/chat", "/knowledge", "/audit", "/privacy"}
    app.state.gateway = Gateway(settings, app.state.sessionmaker)
    app.state.section_writer = section_writer_factory(app.state.gateway)
    install_error_handlers(app)
    for module in (
        health,
        auth,
        oidc,
        home,
        account,
        admin,
        admin_gateway,
        admin_institutions,
        # drafts_check before drafts: its fixed path /drafts/check must win over /drafts/{draft_id}.
        drafts_check,
        drafts_preview,
        drafts_sources,
        drafts,
        chat,
        knowledge,
        knowledge_api,
        audit,
        privacy,
    ):
        app.include_router(module.router)
    app.include_router(gateway_api.router)
    static_dir = resources.files("mokmin.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    # Only the SSO round-trip (state, nonce) lives in this signed cookie; sign-in sessions are server-side.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="mokmin_oidc",
        max_age=600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # Chat completions skip the router and the cookie middleware above (added later = further out).
    app.add_middleware(DirectRoute, handlers=app.exception_handlers)
    app.add_middleware(BodySizeLimit, limit=settings.max_request_bytes)
    app.add_middleware(RequestMetrics, registry=app.state.metrics_registry)
    return app
