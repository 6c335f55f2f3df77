"""The start page after sign-in, and placeholders for capabilities still being built."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mokmin.web.deps import CurrentUser
from mokmin.web.rendering import render

router = APIRouter(tags=["pages"])


@router.get("/")
def home(request: Request, user: CurrentUser) -> Response:
    return render(request, "home.html")
